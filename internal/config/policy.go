package config

// checkPolicy records a Warning for each thing in [policy] an operator
// should fix that does not stop klachtd (deadline.Config.Warnings): a legal
// preset whose decision letter would name no recourse.
func (c *Config) checkPolicy() {
	for _, w := range c.Policy.Warnings() {
		c.warnings = append(c.warnings, Warning{Key: "policy", Text: w})
	}
}
