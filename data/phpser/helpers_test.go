package phpser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// equalValue compares two trees by PHP meaning: floats by bit pattern (so
// NaN equals NaN and -0 differs from 0), nil and empty entry lists alike.
func equalValue(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case KindBool:
		return a.Bool == b.Bool
	case KindInt:
		return a.Int == b.Int
	case KindFloat:
		if math.IsNaN(a.Float) {
			return math.IsNaN(b.Float)
		}
		return math.Float64bits(a.Float) == math.Float64bits(b.Float)
	case KindString:
		return a.Str == b.Str
	case KindObject, KindArray:
		if a.Class != b.Class || len(a.Entries) != len(b.Entries) {
			return false
		}
		for i := range a.Entries {
			if a.Entries[i].Key != b.Entries[i].Key || !equalValue(a.Entries[i].Value, b.Entries[i].Value) {
				return false
			}
		}
	}
	return true
}

// sameJSONTokens compares two JSON documents token by token, so that key
// order matters (unlike comparing decoded maps) but formatting does not.
// Numbers compare by float value: PHP may print 1.0 where we print 1.0 or 1.
func sameJSONTokens(got, want []byte) error {
	dg := json.NewDecoder(bytes.NewReader(got))
	dw := json.NewDecoder(bytes.NewReader(want))
	dg.UseNumber()
	dw.UseNumber()
	for i := 0; ; i++ {
		tg, eg := dg.Token()
		tw, ew := dw.Token()
		if errors.Is(eg, io.EOF) && errors.Is(ew, io.EOF) {
			return nil
		}
		if eg != nil || ew != nil {
			return fmt.Errorf("token %d: got err %v, want err %v", i, eg, ew)
		}
		if ng, ok := tg.(json.Number); ok {
			nw, ok := tw.(json.Number)
			if !ok {
				return fmt.Errorf("token %d: got number %s, want %v", i, ng, tw)
			}
			fg, err1 := strconv.ParseFloat(string(ng), 64)
			fw, err2 := strconv.ParseFloat(string(nw), 64)
			if err1 != nil || err2 != nil || fg != fw {
				return fmt.Errorf("token %d: got number %s, want %s", i, ng, nw)
			}
			continue
		}
		if tg != tw {
			return fmt.Errorf("token %d: got %#v, want %#v", i, tg, tw)
		}
	}
}
