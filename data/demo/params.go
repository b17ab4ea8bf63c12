package demo

import (
	"math/rand/v2"
	"strings"

	php "matomo-audit/data/phpser"
)

// The builders below write parameters in the shapes the ActivityLog plugin
// and the premium plugins use (see matomo-activity-log.md, section 2).

type siteInfo struct {
	id   int64
	name string
	kind string
	url  string
}

var sites = []siteInfo{
	{1, "Shop", "website", "https://shop.example"},
	{2, "Blog", "website", "https://blog.example"},
	{3, "Intranet", "intranet", "https://intranet.example"},
	{4, "Docs", "website", "https://docs.example"},
	{5, "Status page", "website", "https://status.example"},
	{6, "Field app", "mobileapp", "https://app.example"},
}

func item(typ string, data php.Value) php.Value {
	return php.Map(php.Pair("type", php.Str(typ)), php.Pair("data", data))
}

func items(v ...php.Value) php.Entry { return php.Pair("items", php.List(v...)) }

func measurable(s siteInfo) php.Value {
	return item("measurable", php.Map(
		php.Pair("id", php.Int(s.id)),
		php.Pair("type", php.Str(s.kind)),
		php.Pair("name", php.Str(s.name)),
		php.Pair("urls", php.List(php.Str(s.url))),
	))
}

func userItem(login string) php.Value {
	email := login + "@example.org"
	if strings.Contains(login, "@") {
		email = strings.ReplaceAll(login, "@", ".") + "@example.org"
	}
	return item("user", php.Map(php.Pair("login", php.Str(login)), php.Pair("email", php.Str(email))))
}

func setting(name string, v php.Value) php.Value {
	return item("setting", php.Map(php.Pair("name", php.Str(name)), php.Pair("value", v)))
}

func pluginItem(name string, extra ...php.Entry) php.Value {
	return item("plugin", php.Map(append([]php.Entry{php.Pair("name", php.Str(name))}, extra...)...))
}

// onSite is the premium plugins' shape: {site, version, <key>: {id, name}}.
func onSite(s siteInfo, entries ...php.Entry) php.Value {
	base := []php.Entry{
		php.Pair("site", php.Map(php.Pair("site_id", php.Int(s.id)), php.Pair("site_name", php.Str(s.name)))),
		php.Pair("version", php.Str("v1")),
	}
	return php.Map(append(base, entries...)...)
}

func idName(id php.Value, name string) php.Value {
	return php.Map(php.Pair("id", id), php.Pair("name", php.Str(name)))
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }
