package kiln

// static void kiln_go_nothing(void) {}
import "C"

// emptyCgoCall is a cgo call that does nothing, for BenchmarkEmptyCgoCall.
func emptyCgoCall() { C.kiln_go_nothing() }
