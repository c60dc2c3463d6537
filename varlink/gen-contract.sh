#!/bin/sh
# The varlink contract as C, generated from the interface files so that
# gnsd, gnsctl and the NSS module cannot drift from them.
# Usage: gen-contract.sh FILE.varlink... > contract.h
#
# For an interface a.b.Name (PREFIX = VL_NAME, upper case):
#   PREFIX_INTERFACE              "a.b.Name"
#   PREFIX_METHOD_<Method>        "a.b.Name.<Method>"
#   PREFIX_PARAMS_<Method>        initializer of a struct varlink_field[]
#                                 for the method's input parameters
#   PREFIX_FIELDS_<Type>          the same for the fields of a type
#   PREFIX_ERROR_<Error>          "a.b.Name.<Error>"
#   PREFIX_ERRORS                 every error name, comma-separated
#   PREFIX_N_ERRORS               how many
# Parameter tables use VARLINK_* from varlink-server.h; including this
# header without it is fine as long as the tables are not used.
#
# The grammar handled is what our .varlink files use: one declaration
# keyword at the start of a line, a method's input parameters on its
# first line, type fields one per line (or on one line). Anything else
# is an error, not a silent omission.
set -eu
[ $# -ge 1 ] || { echo "usage: gen-contract.sh FILE.varlink..." >&2; exit 2; }
for f in "$@"; do
  [ -s "$f" ] || { echo "gen-contract.sh: $f: missing or empty" >&2; exit 1; }
done
echo "/* Generated from the varlink interface files by varlink/gen-contract.sh;"
echo " * do not edit. */"
echo "#ifndef VARLINK_CONTRACT_H"
echo "#define VARLINK_CONTRACT_H"
awk '
function fail(msg) {
  printf "gen-contract.sh: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
  failed = 1
  exit 1
}
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function vtype(t) {
  sub(/^\?/, "", t)
  if (t ~ /^\[\]/) return "VARLINK_ARRAY"
  if (t == "string") return "VARLINK_STRING"
  if (t == "int") return "VARLINK_INT"
  if (t == "bool") return "VARLINK_BOOL"
  if (t == "float") return "VARLINK_ANY"
  if (t == "object" || t ~ /^[A-Z]/ || t ~ /^\(/) return "VARLINK_OBJECT"
  fail("unknown type \"" t "\"")
}
# "a: string, b: ?int" -> table initializer
function table(list,    n, parts, i, kv, name, t, out) {
  out = "{"
  list = trim(list)
  if (list != "") {
    n = split(list, parts, ",")
    for (i = 1; i <= n; i++) {
      kv = trim(parts[i])
      if (kv == "") continue
      if (kv !~ /^[A-Za-z_][A-Za-z0-9_]*[ \t]*:/) fail("cannot read field \"" kv "\"")
      name = kv; sub(/[ \t]*:.*/, "", name)
      t = kv; sub(/^[^:]*:[ \t]*/, "", t)
      out = out sprintf("{\"%s\", %s, %s}, ", name, vtype(t), t ~ /^\?/ ? "true" : "false")
    }
  }
  return out "{NULL, VARLINK_ANY, false}}"
}
FNR == 1 { iface = ""; intype = "" }
{ sub(/#.*/, "") }
intype != "" {
  line = trim($0)
  if (line ~ /^\)/) {
    printf "#define %s_FIELDS_%s %s\n", prefix, intype, table(fields)
    intype = ""
    next
  }
  fields = fields " " line
  next
}
/^[ \t]*interface[ \t]/ {
  iface = $2
  n = split(iface, comp, ".")
  prefix = "VL_" toupper(comp[n])
  printf "\n/* %s (%s) */\n", iface, FILENAME
  printf "#define %s_INTERFACE \"%s\"\n", prefix, iface
  nerr[prefix] = 0
  order[++nifaces] = prefix
  next
}
/^[ \t]*(method|error|type)[ \t]/ && iface == "" { fail("declaration before \"interface\"") }
/^[ \t]*method[ \t]/ {
  line = trim($0)
  sub(/^method[ \t]+/, "", line)
  name = line; sub(/[ \t]*\(.*/, "", name)
  if (name !~ /^[A-Z][A-Za-z0-9]*$/) fail("bad method name \"" name "\"")
  args = line; sub(/^[^(]*\(/, "", args)
  if (index(args, ")") == 0) fail("the input parameters of " name " must be on one line")
  sub(/\).*/, "", args)
  printf "#define %s_METHOD_%s \"%s.%s\"\n", prefix, name, iface, name
  printf "#define %s_PARAMS_%s %s\n", prefix, name, table(args)
  next
}
/^[ \t]*error[ \t]/ {
  name = $2; sub(/\(.*/, "", name)
  if (name !~ /^[A-Z][A-Za-z0-9]*$/) fail("bad error name \"" name "\"")
  printf "#define %s_ERROR_%s \"%s.%s\"\n", prefix, name, iface, name
  errs[prefix] = errs[prefix] (nerr[prefix] ? ", " : "") prefix "_ERROR_" name
  nerr[prefix]++
  next
}
/^[ \t]*type[ \t]/ {
  line = trim($0)
  sub(/^type[ \t]+/, "", line)
  name = line; sub(/[ \t]*\(.*/, "", name)
  rest = line; sub(/^[^(]*\(/, "", rest)
  if (index(rest, ")")) {
    sub(/\).*/, "", rest)
    printf "#define %s_FIELDS_%s %s\n", prefix, name, table(rest)
  } else {
    intype = name
    fields = rest
  }
  next
}
END {
  if (failed) exit 1
  if (intype != "") { print "gen-contract.sh: unterminated type " intype > "/dev/stderr"; exit 1 }
  for (i = 1; i <= nifaces; i++) {
    pf = order[i]
    printf "\n#define %s_ERRORS %s\n#define %s_N_ERRORS %d\n", pf, errs[pf], pf, nerr[pf]
  }
}
' "$@"
echo
echo "#endif"
