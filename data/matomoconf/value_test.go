package matomoconf

import (
	"errors"
	"strings"
	"testing"
)

func TestPHPValue(t *testing.T) {
	stubEnv(t, map[string]string{"DB_HOST": "db.internal", "EMPTY": ""})
	cases := []struct{ raw, want string }{
		{``, ``},
		{`3306`, `3306`},
		{`PDO\MYSQL`, `PDO\MYSQL`},
		{`0;`, `0`},
		{`abc ; trailing comment`, `abc`},
		{`a#b`, `a#b`}, // "#" is no comment in PHP 7+
		{`"p;a#s=s\"w\\rd x"`, `p;a#s=s"w\rd x`},
		{`"abc" ; comment`, `abc`},
		{`" padded "`, ` padded `},
		{`"C:\dir\new"`, `C:\dir\new`}, // unknown escapes stay, as written by older Matomo
		{`"ends in \\"`, `ends in \`},
		{`"C:\dir\"`, `C:\dir\`}, // PHP's Windows-path rule: \" at the line end closes
		{`"a\"b\"`, `a"b\`},
		{`"\"`, `\`},
		{`"\$HOME \${X}"`, `$HOME ${X}`},
		{`"a$b"`, `a$b`},
		{`'single \" $x ${DB_HOST}'`, `single \" $x ${DB_HOST}`},
		{`"a"b`, `ab`},
		{`""`, ``},
		{`true`, `1`},
		{`On`, `1`},
		{`YES`, `1`},
		{`false`, ``},
		{`off`, ``},
		{`no`, ``},
		{`none`, ``},
		{`null`, ``},
		{`"true"`, `true`}, // quoted words stay words
		{`"no"`, `no`},
		{`${DB_HOST}`, `db.internal`},
		{`${DB_HOST}:3307 ; c`, `db.internal:3307`},
		{`"${DB_HOST}"`, `db.internal`},
		{`x${EMPTY}y`, `xy`},
		{`${}`, `${}`},
		{`${no closing`, `${no closing`},
		{`"${A"}`, `${A}`}, // a brace beyond the closing quote is not part of the name
	}
	for _, c := range cases {
		got, err := phpValue(c.raw)
		if err != nil {
			t.Errorf("phpValue(%s): %v", c.raw, err)
			continue
		}
		if got != c.want {
			t.Errorf("phpValue(%s) = %q, want %q", c.raw, got, c.want)
		}
	}
}

func TestPHPValueRoundTripsMatomoWriter(t *testing.T) {
	for _, pw := range []string{
		testPassword,
		`\`, `\\`, `"`, `""`, `\"`, `;`, ` lead and trail `, `x\`, `%(a)s`, `'`, `$`, `tab	in`,
	} {
		got, err := phpValue(matomoQuote(pw))
		if err != nil || got != pw {
			t.Errorf("round trip of %q = %q, %v", pw, got, err)
		}
	}
}

func TestPHPValueErrors(t *testing.T) {
	stubEnv(t, nil)
	for _, raw := range []string{`"hunter2`, `'hunter2`, `"hunter2\" ; not the line end`} {
		_, err := phpValue(raw)
		if !errors.Is(err, errUnterminated) {
			t.Errorf("phpValue(%s) error = %v, want unterminated", raw, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q shows the value", err)
		}
	}
	for _, raw := range []string{`${MATOMO_DATABASE_HOST}`, `"${MATOMO_DATABASE_HOST}"`} {
		_, err := phpValue(raw)
		if err == nil || !strings.Contains(err.Error(), "${MATOMO_DATABASE_HOST}") || !strings.Contains(err.Error(), "--dsn") {
			t.Errorf("phpValue(%s) error = %v, want the unset variable named", raw, err)
		}
	}
}

func TestTruthy(t *testing.T) {
	for _, v := range []string{"1", "true", "TRUE", "on", "On", "yes", "2"} {
		if !truthy(v) {
			t.Errorf("truthy(%q) = false", v)
		}
	}
	for _, v := range []string{"", "0", "false", "False", "off", "no", "NO", "none", "null", " 0 "} {
		if truthy(v) {
			t.Errorf("truthy(%q) = true", v)
		}
	}
}
