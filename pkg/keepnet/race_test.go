//go:build race

package keepnet

// raceDetector reports a build with the race detector, whose shadow memory
// makes a process's peak RSS no measure of its own.
const raceDetector = true
