//go:build race

package kiln

// raceEnabled shortens the slowest tests under the race detector.
const raceEnabled = true
