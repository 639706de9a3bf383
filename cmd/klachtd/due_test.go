package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunDueText(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{
			// Received Mon 2 Mar 2026 10:00 CET. ack: Tue 3, Wed 4, Thu 5, Fri 6,
			// Mon 9. Decision Mon 13 Apr; ext Mon 11 May; refusal Mon 30 Mar.
			// Reminders and escalations as worked out in internal/deadline's
			// TestPoints ("awb default calendar").
			name: "awb",
			args: []string{"--policy", "awb", "--received", "2026-03-02 10:00"},
			want: `policy              awb
received            2026-03-02T10:00:00+01:00
ack_due             2026-03-09
decision_due        2026-04-13
extended_due        2026-05-11
refusal_notice_due  2026-03-30
reminder            2026-03-16  received+2w
reminder            2026-03-27  due-10wd
reminder            2026-04-03  due-5wd
reminder            2026-04-09  due-2wd
escalation          2026-04-08  escalate-due-3wd (level 1)
escalation          2026-04-14  overdue (level 1)
escalation          2026-04-21  overdue+5wd (level 2)
`,
		},
		{
			// Fri 20 Feb 2026 23:30 UTC is Sat 21 Feb 00:30 in Amsterdam. 10
			// weeks: Sat 2 May -> Mon 4 May; ext Mon 1 Jun. 4 weeks: Sat 21 Mar
			// -> Mon 23 Mar. ack 5 wd: Mon 23, Tue 24, Wed 25, Thu 26, Fri 27 Feb.
			name: "awb committee, UTC input",
			args: []string{"--policy=awb", "--received=2026-02-20T23:30:00Z", "--committee"},
			want: `policy              awb
received            2026-02-21T00:30:00+01:00
ack_due             2026-02-27
decision_due        2026-05-04
extended_due        2026-06-01
refusal_notice_due  2026-03-23
`,
		},
		{
			// Fri 20 Feb + 6w = Fri 3 Apr (Goede Vrijdag), not moved; ext Fri 1
			// May. ack: Mon 23 Feb. 42 days: 50% day 21 = Fri 13 Mar; 80% day 33
			// = Wed 25 Mar; due-2wd: Thu 2 Apr (1), Wed 1 Apr (2). Overdue Sat 4
			// Apr; + 5 wd: [Mon 6 Apr], Tue 7, Wed 8, Thu 9, Fri 10, Mon 13.
			name: "generic date only",
			args: []string{"--policy", "generic", "--received", "2026-02-20"},
			want: `policy        generic
received      2026-02-20T00:00:00+01:00
ack_due       2026-02-23
decision_due  2026-04-03
extended_due  2026-05-01
reminder      2026-03-13  50%
reminder      2026-03-25  80%
reminder      2026-04-01  due-2wd
escalation    2026-04-04  overdue (level 1)
escalation    2026-04-13  overdue+5wd (level 2)
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := runDue(tc.args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut.String())
			}
			got := out.String()
			if tc.name == "awb committee, UTC input" {
				got = strings.Join(strings.SplitAfter(got, "\n")[:6], "") // the dates; points are tested elsewhere
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestRunDueJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runDue([]string{"--policy", "wkkgz", "--received", "2026-03-16T09:00:00+01:00", "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, out.String())
	}
	// Mon 16 Mar + 6w = Mon 27 Apr (Koningsdag) -> Tue 28 Apr; ext Tue 26
	// May. ack: Tue 17, Wed 18, Thu 19, Fri 20, Mon 23 Mar.
	for key, want := range map[string]any{
		"policy":       "wkkgz",
		"committee":    false,
		"received":     "2026-03-16T09:00:00+01:00",
		"ack_due":      "2026-03-23",
		"decision_due": "2026-04-28",
		"extended_due": "2026-05-26",
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
	if _, ok := got["refusal_notice_due"]; ok {
		t.Error("wkkgz has refusal_notice_due")
	}
	// received+2w = Mon 30 Mar. Back from Tue 28 Apr: Fri 24 (1), Thu 23, Wed
	// 22, Tue 21, Mon 20 (5), Fri 17, Thu 16, Wed 15, Tue 14, Mon 13 (10);
	// due-2wd Thu 23 Apr. [Mon 27 Apr] is skipped.
	reminders, _ := got["reminders"].([]any)
	want := []string{"received+2w 2026-03-30", "due-10wd 2026-04-13", "due-5wd 2026-04-20", "due-2wd 2026-04-23"}
	if len(reminders) != len(want) {
		t.Fatalf("reminders = %v", reminders)
	}
	for i, r := range reminders {
		m := r.(map[string]any)
		if s := m["name"].(string) + " " + m["date"].(string); s != want[i] {
			t.Errorf("reminders[%d] = %s, want %s", i, s, want[i])
		}
	}
	escalations, _ := got["escalations"].([]any)
	if len(escalations) != 3 || escalations[1].(map[string]any)["date"] != "2026-04-29" {
		t.Errorf("escalations = %v, want 3 with overdue on 2026-04-29", escalations)
	}
}

func TestRunDueCalendarFlags(t *testing.T) {
	// ack for awb received Mon 30 Mar 2026: Tue 31, Wed 1, Thu 2, [Fri 3
	// off], [Mon 6], Tue 7, Wed 8.
	var out, errOut bytes.Buffer
	code := runDue([]string{"--policy", "awb", "--received", "2026-03-30 09:00", "--good-friday-off", "--json"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), `"ack_due": "2026-04-08"`) {
		t.Errorf("exit %d, out %s, stderr %s", code, out.String(), errOut.String())
	}
}

func TestRunDueErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no received", []string{"--policy", "awb"}, "usage: klachtd due"},
		{"unknown policy", []string{"--policy", "wmo", "--received", "2026-03-02"}, `unknown policy "wmo"`},
		{"bad time", []string{"--policy", "awb", "--received", "2 maart"}, `--received "2 maart"`},
		{"bad flag", []string{"--policy", "awb", "--received", "2026-03-02", "--bogus"}, "bogus"},
		{"bad liberation", []string{"--received", "2026-03-02", "--liberation-day", "soms"}, "calendar.liberation_day"},
		{"bad closed", []string{"--received", "2026-03-02", "--closed", "2026-12-24,24-12"}, "24-12"},
		{"extra argument", []string{"--received", "2026-03-02", "extra"}, "usage: klachtd due"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := runDue(tc.args, &out, &errOut); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tc.want)
			}
		})
	}
}

func TestRunDueCommitteeIgnoredWarns(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runDue([]string{"--policy", "wkkgz", "--received", "2026-03-02", "--committee"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut.String(), "--committee ignored") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

func TestRunDueHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runDue([]string{"--help"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "usage: klachtd due") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
