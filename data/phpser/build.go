package phpser

// Builders for tests, the demo data generator and seed scripts. They build
// exactly what they are given: Map does not merge duplicate keys and Pair
// does not turn "5" into 5, so a test can describe any array, including ones
// PHP itself would never produce.

// Null returns PHP null.
func Null() Value { return Value{Kind: KindNull} }

// Bool returns a PHP bool.
func Bool(b bool) Value { return Value{Kind: KindBool, Bool: b} }

// Int returns a PHP int.
func Int(i int64) Value { return Value{Kind: KindInt, Int: i} }

// Float returns a PHP float.
func Float(f float64) Value { return Value{Kind: KindFloat, Float: f} }

// Str returns a PHP string.
func Str(s string) Value { return Value{Kind: KindString, Str: s} }

// List returns an array with keys 0..n-1.
func List(vals ...Value) Value {
	if len(vals) == 0 {
		return Value{Kind: KindArray}
	}
	entries := make([]Entry, len(vals))
	for i, v := range vals {
		entries[i] = Entry{Key: Key{IsInt: true, Int: int64(i)}, Value: v}
	}
	return Value{Kind: KindArray, Entries: entries}
}

// Map returns an array holding entries in the given order.
func Map(entries ...Entry) Value {
	if len(entries) == 0 {
		return Value{Kind: KindArray}
	}
	return Value{Kind: KindArray, Entries: entries}
}

// Pair returns an entry with a string key.
func Pair(key string, v Value) Entry { return Entry{Key: Key{Str: key}, Value: v} }

// IntPair returns an entry with an int key.
func IntPair(key int64, v Value) Entry { return Entry{Key: Key{IsInt: true, Int: key}, Value: v} }
