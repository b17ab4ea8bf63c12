// Package phpser decodes and encodes PHP's serialize() format, the encoding
// Matomo uses for the `parameters` column of its Activity Log.
//
// Why our own decoder instead of a library such as
// github.com/elliotchance/phpserialize:
//
//   - Order: PHP arrays are ordered maps and the order is meaningful (settings
//     lists, "items" sequences). Decoding into Go maps loses it; Value keeps
//     entries in serialized order and AppendJSON emits them in that order.
//   - Key types: PHP distinguishes int keys from string keys (and turns "5"
//     into 5). Value keeps that distinction, so a list with holes stays a map
//     {"0":..,"2":..} exactly as PHP's json_encode would print it.
//   - Hostile input: parameters may hold attacker-typed text (failed logins,
//     API values). The decoder never panics, caps nesting depth, never sizes an
//     allocation from a declared count, and runs in linear time.
//   - Speed: the audit tool scans millions of rows. Decoded strings are
//     substrings of the input (no copies) and a decode costs about one
//     allocation for the whole tree.
//
// The decoder mirrors PHP 8's unserialize() for everything PHP's serialize()
// can produce except references and custom/enum objects, which Matomo never
// stores; those are reported as a *SyntaxError. AppendJSON mirrors
// json_encode() with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE |
// JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION, and AppendEncode
// reproduces serialize() byte for byte.
package phpser
