package activity

import (
	"html"
	"strings"

	"matomo-audit/data/phpser"
)

// SearchText is what free-text queries look in, lower-cased: the login,
// type, description, IP, country and every decoded parameter value (also
// HTML-unescaped, since that is how they read on screen). Fields are
// separated by NUL so a search never matches across two of them.
func (e *Event) SearchText() string {
	if e.haystack != "" {
		return e.haystack
	}
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		b.WriteString(strings.ToLower(s))
		b.WriteByte(0)
	}
	add(e.Login)
	add(e.Type)
	add(e.Description)
	add(e.IPText())
	add(e.Country)
	if e.ParamsOK() {
		var walk func(v phpser.Value)
		walk = func(v phpser.Value) {
			switch v.Kind {
			case phpser.KindArray, phpser.KindObject:
				for _, en := range v.Entries {
					walk(en.Value)
				}
			case phpser.KindString:
				add(v.Str)
				if strings.IndexByte(v.Str, '&') >= 0 {
					if u := html.UnescapeString(v.Str); u != v.Str {
						add(u)
					}
				}
			case phpser.KindInt, phpser.KindFloat:
				s, _ := v.Scalar()
				add(s)
			}
		}
		walk(e.Params)
	} else {
		add(e.RawParams)
	}
	e.haystack = b.String()
	if e.haystack == "" {
		e.haystack = "\x00"
	}
	return e.haystack
}
