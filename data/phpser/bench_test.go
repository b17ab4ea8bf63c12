package phpser

import "testing"

// benchRow is fixture row 37 (ActivityLog/MeasurableSettingsUpdated), kept
// inline so benchmarks run without the shared fixtures.
const benchRow = `a:1:{s:5:"items";a:4:{i:0;a:2:{s:4:"type";s:10:"measurable";s:4:"data";a:4:{s:2:"id";i:4;s:4:"type";s:7:"website";s:4:"name";s:4:"Docs";s:4:"urls";a:1:{i:0;s:20:"https://docs.example";}}}i:1;a:2:{s:4:"type";s:7:"setting";s:4:"data";a:2:{s:4:"name";s:12:"excluded_ips";s:5:"value";a:2:{i:0;s:10:"10.0.0.0/8";i:2;s:11:"192.168.1.1";}}}i:2;a:2:{s:4:"type";s:7:"setting";s:4:"data";a:2:{s:4:"name";s:9:"ecommerce";s:5:"value";b:1;}}i:3;a:2:{s:4:"type";s:7:"setting";s:4:"data";a:2:{s:4:"name";s:10:"api_secret";s:5:"value";s:6:"******";}}}}`

func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRow)))
	for b.Loop() {
		if _, err := DecodeString(benchRow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	v, err := DecodeString(benchRow)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRow)))
	for b.Loop() {
		buf = AppendJSON(buf[:0], v)
	}
}

func BenchmarkAppendEncode(b *testing.B) {
	v, err := DecodeString(benchRow)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRow)))
	for b.Loop() {
		buf = AppendEncode(buf[:0], v)
	}
}

// BenchmarkDecodeToJSON is the export path: row in, JSON out.
func BenchmarkDecodeToJSON(b *testing.B) {
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRow)))
	for b.Loop() {
		v, err := DecodeString(benchRow)
		if err != nil {
			b.Fatal(err)
		}
		buf = AppendJSON(buf[:0], v)
	}
}
