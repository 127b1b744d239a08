//go:build !race

package keepnet

const raceDetector = false
