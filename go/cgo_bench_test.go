package kiln

import "testing"

// BenchmarkEmptyCgoCall is the floor under every call: a cgo call of a C
// function that does nothing.
func BenchmarkEmptyCgoCall(b *testing.B) {
	for i := 0; i < b.N; i++ {
		emptyCgoCall()
	}
}
