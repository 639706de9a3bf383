package cases

// caseFacts are what a command may need to know about a case beyond its
// row, read in the mail's transaction before the plan is made.
type caseFacts struct{}
