//go:build race

package redisstore_test

// raceEnabled is true under the race detector, which slows every process of a fleet
// test several times over: timings are then logged rather than checked.
const raceEnabled = true
