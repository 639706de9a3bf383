// Command benchtable turns `go test -bench` output on stdin into a table: one
// row per benchmark with ns/op, MB/s, allocations and every custom metric
// (mails/s, peak-MB, …). `make bench` pipes into it.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
)

func main() {
	type row struct {
		name    string
		metrics map[string]string
	}
	var rows []row
	var units []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "---") {
				fmt.Fprintln(os.Stderr, line)
			}
			continue
		}
		r := row{name: f[0], metrics: map[string]string{}}
		for i := 2; i+1 < len(f); i += 2 {
			r.metrics[f[i+1]] = f[i]
			if !seen[f[i+1]] {
				seen[f[i+1]] = true
				units = append(units, f[i+1])
			}
		}
		rows = append(rows, r)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "benchmark\t")
	for _, u := range units {
		fmt.Fprintf(w, "%s\t", u)
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t", r.name)
		for _, u := range units {
			v := r.metrics[u]
			if v == "" {
				v = "-"
			}
			fmt.Fprintf(w, "%s\t", v)
		}
		fmt.Fprintln(w)
	}
	w.Flush()
}
