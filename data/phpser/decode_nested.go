package phpser

import (
	"strconv"
	"sync"
)

func (d *decoder) array() (Value, error) {
	start := d.pos
	if err := d.skipTag(); err != nil {
		return Value{}, err
	}
	countAt := d.pos
	n, err := d.length("element count")
	if err != nil {
		return Value{}, err
	}
	if err := d.expect(':'); err != nil {
		return Value{}, err
	}
	if err := d.expect('{'); err != nil {
		return Value{}, err
	}
	// PHP's IS_FAKE_ELEM_COUNT: every element needs at least two bytes.
	if n > (len(d.s)-d.pos)/2 {
		return Value{}, d.fail(countAt, "element count %d exceeds remaining input", n)
	}
	var entries []Entry
	if n > 0 {
		// PHP only counts depth for non-empty arrays; we follow it so the
		// same documents are accepted.
		if d.depth >= maxDepth {
			return Value{}, d.fail(start, "nesting deeper than %d", maxDepth)
		}
		d.depth++
		entries, err = d.entries(n, false)
		d.depth--
		if err != nil {
			return Value{}, err
		}
	}
	if err := d.expect('}'); err != nil {
		return Value{}, err
	}
	return Value{Kind: KindArray, Entries: entries}, nil
}

func (d *decoder) object() (Value, error) {
	start := d.pos
	if err := d.skipTag(); err != nil {
		return Value{}, err
	}
	lenAt := d.pos
	n, err := d.length("class name length")
	if err != nil {
		return Value{}, err
	}
	if err := d.expect(':'); err != nil {
		return Value{}, err
	}
	if err := d.expect('"'); err != nil {
		return Value{}, err
	}
	if n == 0 || n > len(d.s)-d.pos {
		return Value{}, d.fail(lenAt, "bad class name length %d", n)
	}
	class := d.s[d.pos : d.pos+n]
	if i := invalidClassByte(class); i >= 0 {
		return Value{}, d.fail(d.pos+i, "invalid byte %q in class name", class[i])
	}
	d.pos += n
	if err := d.expect('"'); err != nil {
		return Value{}, err
	}
	if err := d.expect(':'); err != nil {
		return Value{}, err
	}
	countAt := d.pos
	count, err := d.signedInt("property count")
	if err != nil {
		return Value{}, err
	}
	if err := d.expect(':'); err != nil {
		return Value{}, err
	}
	if err := d.expect('{'); err != nil {
		return Value{}, err
	}
	if count < 0 || count > int64(len(d.s)-d.pos)/2 {
		return Value{}, d.fail(countAt, "bad property count %d", count)
	}
	// Unlike arrays, PHP counts every object towards the depth limit.
	if d.depth >= maxDepth {
		return Value{}, d.fail(start, "nesting deeper than %d", maxDepth)
	}
	d.depth++
	entries, err := d.entries(int(count), true)
	d.depth--
	if err != nil {
		return Value{}, err
	}
	if err := d.expect('}'); err != nil {
		return Value{}, err
	}
	return Value{Kind: KindObject, Class: class, Entries: entries}, nil
}

// invalidClassByte returns the index of the first byte PHP would not accept
// in a class name (zend_is_valid_class_name plus unserialize's own checks),
// or -1.
func invalidClassByte(class string) int {
	if class[0] == '\\' {
		return 0
	}
	for i := 0; i < len(class); i++ {
		c := class[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '\\' || c >= 0x80) {
			return i
		}
	}
	return -1
}

// smallArray is the largest declared count whose entries are carved before
// parsing and filled in place. Larger arrays grow on the scratch stack, so a
// hostile count costs nothing until entries really arrive; together with the
// depth limit this caps what lying counts can reserve at maxDepth*smallArray
// entries. It is also where duplicate detection switches from a linear scan
// to a map, keeping huge arrays linear.
const smallArray = 16

// entries parses n key/value pairs. A repeated key overwrites the earlier
// value in place, as PHP's hash update does.
func (d *decoder) entries(n int, object bool) ([]Entry, error) {
	if n == 0 {
		return nil, nil
	}
	// budget bounds all entries a valid input can still hold, so a count
	// above it can only fail; the stack path then reports where.
	if n > smallArray || n > d.budget {
		return d.largeEntries(n, object)
	}
	out := d.carve(n)
	used := 0
	for range n {
		k, err := d.key(object)
		if err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		dup := -1
		for i := range used {
			if out[i].Key == k {
				dup = i
				break
			}
		}
		if dup >= 0 {
			out[dup].Value = v
			continue
		}
		out[used] = Entry{Key: k, Value: v}
		used++
	}
	return out[:used:used], nil
}

// largeEntries grows the entries on the scratch stack and carves an
// exact-size slice once they are known.
func (d *decoder) largeEntries(n int, object bool) ([]Entry, error) {
	if d.scratch == nil {
		d.scratch = scratchPool.Get().(*scratch)
	}
	sc := d.scratch
	base := len(sc.stack)
	var index map[Key]int
	for range n {
		k, err := d.key(object)
		if err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		// The recursive d.value call may have grown the stack; index it afresh.
		cur := sc.stack[base:]
		dup := -1
		if index != nil {
			if i, ok := index[k]; ok {
				dup = i
			}
		} else {
			for i := range cur {
				if cur[i].Key == k {
					dup = i
					break
				}
			}
		}
		if dup >= 0 {
			cur[dup].Value = v
			continue
		}
		sc.stack = append(sc.stack, Entry{Key: k, Value: v})
		sc.highWater = max(sc.highWater, len(sc.stack))
		cur = sc.stack[base:]
		if index != nil {
			index[k] = len(cur) - 1
		} else if len(cur) > smallArray {
			index = make(map[Key]int, len(cur)*2)
			for i := range cur {
				index[cur[i].Key] = i
			}
		}
	}
	out := d.carve(len(sc.stack) - base)
	copy(out, sc.stack[base:])
	sc.stack = sc.stack[:base]
	return out, nil
}

// key parses an array key or property name. PHP accepts only int and string
// keys; in arrays a canonical numeric string becomes an int, in objects an
// int becomes a string.
func (d *decoder) key(object bool) (Key, error) {
	if d.pos >= len(d.s) {
		return Key{}, d.eof()
	}
	switch d.s[d.pos] {
	case 'i':
		n, err := d.integer()
		if err != nil {
			return Key{}, err
		}
		if object {
			return Key{Str: strconv.FormatInt(n, 10)}, nil
		}
		return Key{IsInt: true, Int: n}, nil
	case 's':
		s, err := d.str()
		if err != nil {
			return Key{}, err
		}
		if !object {
			if n, ok := canonicalInt(s); ok {
				return Key{IsInt: true, Int: n}, nil
			}
		}
		return Key{Str: s}, nil
	case '}':
		return Key{}, d.fail(d.pos, "unexpected '}': fewer elements than declared")
	default:
		return Key{}, d.fail(d.pos, "key must be int or string, found %q", d.s[d.pos])
	}
}

// scratch holds the entries of large arrays still being parsed, innermost
// last. It is pooled so that big documents do not regrow it every row.
type scratch struct {
	stack     []Entry
	highWater int
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooledStack keeps one giant document from pinning a giant stack.
const maxPooledStack = 1 << 14

func (sc *scratch) release() {
	// Stale entries would pin old inputs and trees in the pool.
	clear(sc.stack[:sc.highWater])
	sc.stack = sc.stack[:0]
	sc.highWater = 0
	if cap(sc.stack) > maxPooledStack {
		sc.stack = nil
	}
	scratchPool.Put(sc)
}

// slabChunk is the most entries one slab allocation holds (about 110 KiB).
const slabChunk = 1024

// carve returns a slice of exactly n entries that outlives the decoder.
func (d *decoder) carve(n int) []Entry {
	d.budget -= n
	if n > len(d.slab) {
		if n > slabChunk/2 {
			return make([]Entry, n)
		}
		d.slab = make([]Entry, min(max(d.budget+n, n), slabChunk))
	}
	e := d.slab[:n:n]
	d.slab = d.slab[n:]
	return e
}
