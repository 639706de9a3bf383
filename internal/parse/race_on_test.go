//go:build race

package parse

// raceEnabled: the race detector empties sync.Pool at random, so regexp and
// others allocate far more than in production; allocation bounds are off.
const raceEnabled = true
