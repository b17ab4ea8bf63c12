package matomoconf

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

//go:generate php testdata/gen_entity_pairs.php testdata/entity_decode_php.json

// TestEntityDecodeMatchesPHP replays what PHP's html_entity_decode made of
// each input of testdata/entity_decode_php.json (see gen_entity_pairs.php).
func TestEntityDecodeMatchesPHP(t *testing.T) {
	data, err := os.ReadFile("testdata/entity_decode_php.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		PHP   string
		Pairs []struct {
			Hex             bool
			In, Once, Twice string
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Pairs) < 3000 {
		t.Fatalf("only %d pairs in the fixture", len(f.Pairs))
	}
	unhex := func(s string) string {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, p := range f.Pairs {
		if p.Hex {
			p.In, p.Once, p.Twice = unhex(p.In), unhex(p.Once), unhex(p.Twice)
		}
		if got := htmlEntityDecode(p.In); got != p.Once {
			t.Errorf("htmlEntityDecode(%q) = %q, PHP %s gives %q", p.In, got, f.PHP, p.Once)
		}
		if got := matomoDecode(p.In); got != p.Twice {
			t.Errorf("matomoDecode(%q) = %q, PHP %s decoding twice gives %q", p.In, got, f.PHP, p.Twice)
		}
	}
}

// TestEntityDecodeRules states the rules the PHP fixture pins down, one
// readable case each.
func TestEntityDecodeRules(t *testing.T) {
	for _, c := range []struct{ in, want, why string }{
		{"Tr0ub4dor&#36;3&amp;&lt;&eacute;&gt;&quot;x", `Tr0ub4dor$3&<é>"x`, "Matomo's encoding of the issue's password"},
		{"plain", "plain", "nothing to decode"},
		{"&&lt;", "&<", "a failed '&' does not hide the entity after it"},
		{"&lt", "&lt", "the ';' is required"},
		{"&LT;", "&LT;", "names are case-sensitive"},
		{"&apos;", "&apos;", "HTML 4.01 has no &apos;"},
		{"&#39;&#x27;", "&#39;&#x27;", "ENT_COMPAT keeps single quotes encoded"},
		{"&quot;&#34;&#x22;", `"""`, "but decodes double quotes"},
		{"&#0065;&#x0041;&#X41;", "AAA", "leading zeros, either x"},
		{"&#x0x41;", "A", "strtol's 0x prefix after the x"},
		{"&#0x41;", "&#0x41;", "but not in decimal"},
		{"&#1114111;&#1114112;", "\U0010FFFF&#1114112;", "nothing beyond U+10FFFF"},
		{"&#99999999999999999999999;", "&#99999999999999999999999;", "no overflow into a valid code point"},
		{"&#0;&#8;&#9;&#11;&#127;&#128;", "&#0;&#8;\t&#11;&#127;&#128;", "controls but tab, LF, CR stay"},
		{"&#xD800;&#xFFFE;", "&#xD800;\uFFFE", "surrogates stay, noncharacters decode"},
		{"&amp;lt;", "&lt;", "single pass"},
		{"&nbsp;&euro;&thetasym;", "\u00a0€ϑ", "the whole HTML 4.01 table"},
		{"&hellip;&NewLine;&Tab;&bne;", "…&NewLine;&Tab;&bne;", "HTML5-only names stay"},
	} {
		if got := htmlEntityDecode(c.in); got != c.want {
			t.Errorf("%s: htmlEntityDecode(%q) = %q, want %q", c.why, c.in, got, c.want)
		}
	}
}

// TestMatomoDecodesTwice: IniFileChain::reload decodes every string twice,
// so what a user typed can differ from what Matomo reads back.
func TestMatomoDecodesTwice(t *testing.T) {
	for in, want := range map[string]string{
		"x&amp;amp;y":      "x&y",        // a typed "x&amp;y", encoded by Matomo
		"&amp;#36;{HOME}":  "${HOME}",    // a typed "&#36;{HOME}"
		"a&amp;lt;b":       "a<b",        // a hand-written double encoding
		"&#36;{HOME}":      "${HOME}",    // a typed "${HOME}": not expanded
		"&amp;amp;amp;":    "&amp;",      // each pass peels one layer only
		"&amp;#x27;":       "&#x27;",     // single quotes stay encoded on both passes
		"caf&eacute; \\":   "café \\",    // backslashes are not the decoder's business
		"&#38;#38;#38;":    "&#38;",      // numeric entities for "&" alike
		"&lt;&amp;gt;":     "<>",         // mixed depths
		"&amp;":            "&",          // a typed "&"
		"&amp;&":           "&&",         // ...and a raw one
		"&amp;amp;;":       "&;",         // the ";" is text again
		"&amp;#0;":         "&#0;",       // invalid either way
		"&amp;euro":        "&euro",      // without ";" nothing happens
		"100&#37;":         "100%",       // decoded by hand-written entities too
		"&#36;&#36;":       "$$",         // Matomo's own "$" encoding
		"&amp;quot;":       `"`,          // double quotes decode
		"&amp;amp;quot;":   "&quot;",     // twice, not three times
		"&#x26;#x26;":      "&",          // hex alike
		"&#x26;amp;lt;":    "&lt;",       // and no further
		"&lang;":           "\u2329",     // HTML 4.01's, not HTML5's U+27E8
		"&amp;zwj;":        "\u200d",     // invisible, but decoded
		"&amp;#128512;":    "\U0001F600", // astral
		"&amp;#xD83D;":     "&#xD83D;",   // no surrogate halves
		"&amp;#1114112;":   "&#1114112;", // no code points beyond Unicode
		"\xff&amp;lt;\xfe": "\xff<\xfe",  // bytes that are not UTF-8 pass through
	} {
		if got := matomoDecode(in); got != want {
			t.Errorf("matomoDecode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEntityTable(t *testing.T) {
	if n := len(html401Entities); n != 252 {
		t.Errorf("%d names, HTML 4.01 has 252", n)
	}
	if n := len(html401Names); n != len(html401Entities) {
		t.Errorf("%d names for %d code points: not one to one", len(html401Entities), n)
	}
	if _, ok := html401Entities["apos"]; ok {
		t.Error("apos is not an HTML 4.01 entity")
	}
	for name, r := range html401Entities {
		if !html401Allowed(int(r)) || r == '\'' {
			t.Errorf("&%s; decodes to %U, which a numeric entity could not", name, r)
		}
	}
}

// TestEntityDecodeHostileInput: long runs of near-entities decode in one
// pass with one allocation per pass; a decoder that rescanned would not
// finish.
func TestEntityDecodeHostileInput(t *testing.T) {
	const n = 1 << 18
	for _, s := range []string{
		strings.Repeat("&", n),
		strings.Repeat("&#", n/2),
		strings.Repeat("&#x0x", n/5),
		"&#" + strings.Repeat("9", n) + ";",
		"&#x" + strings.Repeat("0", n) + "41;",
		"&" + strings.Repeat("a", n) + ";",
		strings.Repeat("&amp;", n/5),
		strings.Repeat("&amp;amp;", n/9),
		strings.Repeat("&a&#&#x&lt", n/10),
	} {
		var out string
		// Averaged over runs, so that a stray runtime allocation cannot
		// fail the test.
		allocs := testing.AllocsPerRun(10, func() { out = matomoDecode(s) })
		if allocs > 2 {
			t.Errorf("%.20q...: %v allocations", s, allocs)
		}
		if len(out) > len(s) || out != referenceDecode(referenceDecode(s)) {
			t.Errorf("%.20q...: wrong result %.20q...", s, out)
		}
	}
}

// referenceEntity is the decoder's rules said differently, as a regexp: a
// candidate is a '&' and a name or number up to ';'. Whatever the candidate
// fails on, PHP resumes after a part that holds no '&', so trying again at
// the next match is the same.
var referenceEntity = regexp.MustCompile(`&(?:#[xX](?:0[xX])?([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z0-9]+));`)

func referenceDecode(s string) string {
	return referenceEntity.ReplaceAllStringFunc(s, func(m string) string {
		sub := referenceEntity.FindStringSubmatch(m)
		var cp uint64
		var err error
		switch {
		case sub[1] != "":
			cp, err = strconv.ParseUint(sub[1], 16, 32)
		case sub[2] != "":
			cp, err = strconv.ParseUint(sub[2], 10, 32)
		default:
			r, ok := html401Entities[sub[3]]
			if !ok {
				return m
			}
			cp = uint64(r)
		}
		if err != nil || cp == '\'' || !html401Allowed(int(cp)) {
			return m
		}
		return string(rune(cp))
	})
}

func FuzzEntityDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		once := htmlEntityDecode(s)
		if want := referenceDecode(s); once != want {
			t.Fatalf("htmlEntityDecode(%q) = %q, reference %q", s, once, want)
		}
		twice := matomoDecode(s)
		if twice != htmlEntityDecode(once) {
			t.Fatalf("matomoDecode(%q) = %q, not htmlEntityDecode twice", s, twice)
		}
		if len(once) > len(s) || len(twice) > len(once) {
			t.Fatalf("decoding %q grew it to %q", s, once)
		}
		if !strings.Contains(s, "&") && once != s {
			t.Fatalf("%q has no entity but became %q", s, once)
		}
		if utf8.ValidString(s) && !utf8.ValidString(twice) {
			t.Fatalf("valid UTF-8 %q decoded to invalid %q", s, twice)
		}
	})
}
