package parse

import "strings"

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line that ends in a space continues on the next line of the same quote
// depth. Space-stuffing is undone; with delsp the trailing space goes too.
func unflow(text string, delsp bool) string {
	lines := strings.Split(text, "\n")
	var sb strings.Builder
	sb.Grow(len(text))
	var cur []byte
	curDepth, open := 0, false
	flush := func() {
		if !open {
			return
		}
		if curDepth > 0 {
			sb.WriteString(strings.Repeat(">", curDepth))
			sb.WriteByte(' ')
		}
		sb.Write(cur)
		sb.WriteByte('\n')
		cur, open = cur[:0], false
	}
	for i, line := range lines {
		if i == len(lines)-1 && line == "" {
			break
		}
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := line[depth:]
		content = strings.TrimPrefix(content, " ")
		if open && depth != curDepth {
			flush()
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delsp {
			content = content[:len(content)-1]
		}
		cur = append(cur, content...)
		curDepth, open = depth, true
		if !flowed {
			flush()
		}
	}
	flush()
	return sb.String()
}
