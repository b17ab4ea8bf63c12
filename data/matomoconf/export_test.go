package matomoconf

// What the external tests (package matomoconf_test, which may import
// mysqldb) share with the internal ones.
var (
	MatomoWrites  = matomoWrites
	RealGlobalIni = realGlobalIni
)
