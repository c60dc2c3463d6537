# dh_installnss (dh-nss): the hosts: line of /etc/nsswitch.conf.
#
# gns goes before the first of resolve and dns: systemd-resolved and the
# DNS servers must never see a name under .gns.alt.  [!UNAVAIL=return] is
# glibc's way of writing NOTFOUND=return TRYAGAIN=return (SUCCESS=return is
# the default), in the one STATUS=ACTION pair that dh-nss accepts: only
# UNAVAIL, the module's answer for every name not under .gns.alt, goes on.
hosts before=resolve,dns gns [!UNAVAIL=return]
# A line with neither resolve nor dns gets it at its end.
hosts last gns [!UNAVAIL=return] skip-if-present=gns
