package config

import (
	"fmt"
	"io/fs"
	"os"
)

// Warning is something an operator should fix that does not stop klachtd:
// a file holding a secret that group or others may read. It names the key
// and the file, never the secret.
type Warning struct {
	Key  string
	File string
	Mode fs.FileMode
	// Text, when set, is the whole warning (one that is not about a file).
	Text string
}

func (w Warning) String() string {
	if w.Text != "" {
		return "config: " + w.Text
	}
	return fmt.Sprintf("config: %s: %s holds a secret and can be read by group or others (mode %04o); chmod 600 it",
		w.Key, w.File, uint32(w.Mode.Perm()))
}

// checkMode records a Warning when file has any permission bit for group or
// others. A file that cannot be stat'ed is left to the read that follows.
func (c *Config) checkMode(key, file string) {
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	c.warnings = append(c.warnings, Warning{Key: key, File: file, Mode: fi.Mode().Perm()})
}

// Warnings returns what Load found that should be fixed but does not stop
// klachtd; subcommands print them, serve logs them.
func (c *Config) Warnings() []Warning { return c.warnings }
