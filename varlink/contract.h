/* Generated from the varlink interface files by varlink/gen-contract.sh;
 * do not edit. */
#ifndef VARLINK_CONTRACT_H
#define VARLINK_CONTRACT_H

/* alt.gns.Resolve (./varlink/alt.gns.Resolve.varlink) */
#define VL_RESOLVE_INTERFACE "alt.gns.Resolve"
#define VL_RESOLVE_FIELDS_ResolvedAddress {{"family", VARLINK_INT, false}, {"address", VARLINK_ARRAY, false}, {NULL, VARLINK_ANY, false}}
#define VL_RESOLVE_FIELDS_Record {{"name", VARLINK_STRING, false}, {"type", VARLINK_STRING, false}, {"rdata", VARLINK_OBJECT, false}, {"flags", VARLINK_ARRAY, true}, {"expiration", VARLINK_INT, true}, {NULL, VARLINK_ANY, false}}
#define VL_RESOLVE_METHOD_ResolveHostname "alt.gns.Resolve.ResolveHostname"
#define VL_RESOLVE_PARAMS_ResolveHostname {{"name", VARLINK_STRING, false}, {"family", VARLINK_INT, true}, {"flags", VARLINK_INT, true}, {NULL, VARLINK_ANY, false}}
#define VL_RESOLVE_METHOD_ResolveRecords "alt.gns.Resolve.ResolveRecords"
#define VL_RESOLVE_PARAMS_ResolveRecords {{"name", VARLINK_STRING, false}, {"type", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}}
#define VL_RESOLVE_ERROR_NoSuchName "alt.gns.Resolve.NoSuchName"
#define VL_RESOLVE_ERROR_NotGNS "alt.gns.Resolve.NotGNS"
#define VL_RESOLVE_ERROR_InvalidName "alt.gns.Resolve.InvalidName"
#define VL_RESOLVE_ERROR_ZoneRevoked "alt.gns.Resolve.ZoneRevoked"
#define VL_RESOLVE_ERROR_CriticalRecordUnsupported "alt.gns.Resolve.CriticalRecordUnsupported"
#define VL_RESOLVE_ERROR_StorageUnavailable "alt.gns.Resolve.StorageUnavailable"
#define VL_RESOLVE_ERROR_TimedOut "alt.gns.Resolve.TimedOut"
#define VL_RESOLVE_ERROR_ResolutionLoop "alt.gns.Resolve.ResolutionLoop"
#define VL_RESOLVE_ERROR_LimitExceeded "alt.gns.Resolve.LimitExceeded"

/* alt.gns.Zone (./varlink/alt.gns.Zone.varlink) */
#define VL_ZONE_INTERFACE "alt.gns.Zone"
#define VL_ZONE_FIELDS_Zone {{"name", VARLINK_STRING, false}, {"type", VARLINK_STRING, false}, {"ztld", VARLINK_STRING, false}, {"records", VARLINK_INT, false}, {"revoked", VARLINK_BOOL, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_FIELDS_ZoneRecord {{"label", VARLINK_STRING, false}, {"type", VARLINK_STRING, false}, {"value", VARLINK_STRING, false}, {"expiration", VARLINK_INT, true}, {"flags", VARLINK_ARRAY, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_FIELDS_StartZone {{"suffix", VARLINK_STRING, false}, {"ztld", VARLINK_STRING, false}, {"zone", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_CreateZone "alt.gns.Zone.CreateZone"
#define VL_ZONE_PARAMS_CreateZone {{"name", VARLINK_STRING, false}, {"type", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_ListZones "alt.gns.Zone.ListZones"
#define VL_ZONE_PARAMS_ListZones {{NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_GetZone "alt.gns.Zone.GetZone"
#define VL_ZONE_PARAMS_GetZone {{"name", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_DeleteZone "alt.gns.Zone.DeleteZone"
#define VL_ZONE_PARAMS_DeleteZone {{"name", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_ExportKey "alt.gns.Zone.ExportKey"
#define VL_ZONE_PARAMS_ExportKey {{"name", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_ImportKey "alt.gns.Zone.ImportKey"
#define VL_ZONE_PARAMS_ImportKey {{"name", VARLINK_STRING, false}, {"type", VARLINK_STRING, false}, {"key", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_AddRecord "alt.gns.Zone.AddRecord"
#define VL_ZONE_PARAMS_AddRecord {{"zone", VARLINK_STRING, false}, {"record", VARLINK_OBJECT, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_ListRecords "alt.gns.Zone.ListRecords"
#define VL_ZONE_PARAMS_ListRecords {{"zone", VARLINK_STRING, false}, {"label", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_DeleteRecords "alt.gns.Zone.DeleteRecords"
#define VL_ZONE_PARAMS_DeleteRecords {{"zone", VARLINK_STRING, false}, {"label", VARLINK_STRING, false}, {"type", VARLINK_STRING, true}, {"value", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_ImportRecords "alt.gns.Zone.ImportRecords"
#define VL_ZONE_PARAMS_ImportRecords {{"zone", VARLINK_STRING, false}, {"records", VARLINK_ARRAY, false}, {"replace", VARLINK_BOOL, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_AddStartZone "alt.gns.Zone.AddStartZone"
#define VL_ZONE_PARAMS_AddStartZone {{"suffix", VARLINK_STRING, false}, {"zone", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_ListStartZones "alt.gns.Zone.ListStartZones"
#define VL_ZONE_PARAMS_ListStartZones {{NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_RemoveStartZone "alt.gns.Zone.RemoveStartZone"
#define VL_ZONE_PARAMS_RemoveStartZone {{"suffix", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_Publish "alt.gns.Zone.Publish"
#define VL_ZONE_PARAMS_Publish {{"zone", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_Revoke "alt.gns.Zone.Revoke"
#define VL_ZONE_PARAMS_Revoke {{"zone", VARLINK_STRING, false}, {"timestamp", VARLINK_INT, false}, {"pows", VARLINK_ARRAY, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_GetRevocation "alt.gns.Zone.GetRevocation"
#define VL_ZONE_PARAMS_GetRevocation {{"zone", VARLINK_STRING, false}, {NULL, VARLINK_ANY, false}}
#define VL_ZONE_METHOD_GetStatistics "alt.gns.Zone.GetStatistics"
#define VL_ZONE_PARAMS_GetStatistics {{NULL, VARLINK_ANY, false}}
#define VL_ZONE_ERROR_NoSuchZone "alt.gns.Zone.NoSuchZone"
#define VL_ZONE_ERROR_ZoneExists "alt.gns.Zone.ZoneExists"
#define VL_ZONE_ERROR_InvalidParameter "alt.gns.Zone.InvalidParameter"
#define VL_ZONE_ERROR_PermissionDenied "alt.gns.Zone.PermissionDenied"
#define VL_ZONE_ERROR_StorageUnavailable "alt.gns.Zone.StorageUnavailable"

#define VL_RESOLVE_ERRORS VL_RESOLVE_ERROR_NoSuchName, VL_RESOLVE_ERROR_NotGNS, VL_RESOLVE_ERROR_InvalidName, VL_RESOLVE_ERROR_ZoneRevoked, VL_RESOLVE_ERROR_CriticalRecordUnsupported, VL_RESOLVE_ERROR_StorageUnavailable, VL_RESOLVE_ERROR_TimedOut, VL_RESOLVE_ERROR_ResolutionLoop, VL_RESOLVE_ERROR_LimitExceeded
#define VL_RESOLVE_N_ERRORS 9

#define VL_ZONE_ERRORS VL_ZONE_ERROR_NoSuchZone, VL_ZONE_ERROR_ZoneExists, VL_ZONE_ERROR_InvalidParameter, VL_ZONE_ERROR_PermissionDenied, VL_ZONE_ERROR_StorageUnavailable
#define VL_ZONE_N_ERRORS 5

#endif
