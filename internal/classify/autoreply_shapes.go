package classify

// autoShapes are the automatic replies klachtd recognises by their words:
// out-of-office and vacation notices and read receipts sent as plain mail,
// per language. Subjects are the prefixes the programs put before the
// original subject, precise enough that "Absence of street lighting" or
// "Out of office hours noise" do not match. Read-only.
var autoShapes = []shape{
	{
		name: "out-of-office-en",
		subjects: []string{
			"automatic reply:", "auto reply:", "auto-reply:", "autoreply:", "auto:", "auto response:",
			"auto-response:", "automatic response:", "out of office:", "out of the office:",
			"out of office reply", "out of office autoreply", "out of office", "vacation reply",
			"away from the office:", "on vacation:", "holiday autoreply", "i am on vacation", "away from my mail",
		},
		strong: []string{
			"i am out of the office", "i'm out of the office", "i am currently out of the office",
			"i will be out of the office", "i am currently out of office", "i am away from the office",
			"i am currently away", "i am on annual leave", "i am on vacation", "i'm on vacation",
			"i am on holiday", "i'm on holiday", "i am on leave", "with limited access to e-mail",
			"with limited access to email", "with no access to e-mail", "with no access to email",
			"this is an automatic reply", "this is an automated reply", "this is an automated response",
			"this is an auto-reply", "this is an automatic response", "i will respond to your message when i return",
			"i will respond to your email when i return", "i will reply to your message when i return",
			"i will reply when i return", "your email will not be forwarded", "i will return on",
			"thank you for your message. i am", "thank you for your email. i am",
			"i will not be reading my mail for a while",
		},
	},
	{
		name: "out-of-office-nl",
		subjects: []string{
			"automatisch antwoord:", "automatisch antwoord", "afwezigheidsbericht", "afwezigheidsmelding",
			"automatisch bericht:", "automatische reactie:", "niet aanwezig tot*", "vakantiebericht",
		},
		strong: []string{
			"ik ben afwezig tot", "ik ben afwezig van", "ik ben niet aanwezig", "ik ben momenteel afwezig",
			"ik ben op vakantie", "ik ben met vakantie", "tijdens mijn afwezigheid", "in verband met vakantie", "ik ben weer aanwezig op",
			"ik ben weer bereikbaar op", "dit is een automatisch antwoord", "dit is een automatisch bericht",
			"dit is een automatisch gegenereerd antwoord", "uw e-mail wordt niet doorgestuurd",
			"uw mail wordt niet doorgestuurd", "na mijn terugkomst", "bij terugkomst",
		},
	},
	{
		name: "out-of-office-de",
		subjects: []string{
			"abwesenheitsnotiz", "automatische antwort:", "automatische antwort", "abwesenheitsmeldung",
			"automatische abwesenheitsnotiz", "abwesend:", "urlaubsabwesenheit*", "ich bin abwesend",
		},
		strong: []string{
			"ich bin abwesend", "ich bin nicht im büro", "ich bin derzeit nicht im büro",
			"ich befinde mich im urlaub", "ich bin im urlaub", "ich bin außer haus", "während meiner abwesenheit",
			"dies ist eine automatische antwort", "dies ist eine automatisch generierte antwort",
			"ihre e-mail wird nicht weitergeleitet", "nach meiner rückkehr",
		},
	},
	{
		name: "out-of-office-fr",
		subjects: []string{
			"réponse automatique:", "réponse automatique", "absence du bureau:", "message d'absence",
			"répondeur automatique*", "absent du bureau:", "en congés:",
		},
		strong: []string{
			"je suis absent", "je suis absente", "je serai absent", "je serai absente", "je suis en congé",
			"je suis actuellement absent", "je suis en vacances", "pendant mon absence", "durant mon absence",
			"ceci est une réponse automatique", "ceci est un message automatique", "dès mon retour",
			"à mon retour", "je n'aurai pas accès à mes e-mails", "votre message ne sera pas transféré",
		},
	},
	{
		name:     "read-receipt",
		subjects: []string{"read:", "gelezen:", "gelesen:", "lu:", "not read:", "niet gelezen:", "ungelesen:", "non lu:", "return receipt*", "read report:", "leesbevestiging:", "lesebestätigung:", "accusé de lecture:"},
		strong: []string{
			"was read on", "is gelezen op", "a été lu le", "was deleted without being read",
			"is verwijderd zonder te zijn gelezen", "this is a receipt for the mail you sent to",
			"dit is een ontvangstbevestiging voor", "this is a return receipt for the mail that you sent to",
			"your message was displayed on",
		},
	},
}

// autoHeaders are header fields that only automatic responders set. A
// hard one is proof on its own; a soft one (Exchange stamps its
// inbox-rule headers on rule forwards as well as on out-of-office
// replies) counts only together with Auto-Submitted, an auto-reply
// subject or an auto-reply text.
var autoHeaders = []struct {
	name  string
	value string // "" for any value but "no"/"false"; else the value must start with it (lower case)
	hard  bool
}{
	{"X-Autoreply", "", true},
	{"X-Autorespond", "", true},
	{"X-Autoresponder", "", true},
	{"X-Autogenerated", "reply", true},
	{"X-Apple-Action", "vacation", true},
	{"Precedence", "auto_reply", true},
	{"X-Precedence", "auto_reply", true},
	{"X-Vacation", "", true},
	{"Delivered-To", "autoresponder", true},
	{"X-Ms-Exchange-Inbox-Rules-Loop", "", false},
	{"X-Ms-Exchange-Generated-Message-Source", "", false},
	{"X-Ms-Exchange-Parent-Message-Id", "", false},
}

// arfShape is the text of abuse (feedback loop) reports that come as
// multipart/mixed with the reported message attached instead of as
// multipart/report; report-type=feedback-report. Read-only.
var arfShape = []shape{{
	name:    "arf",
	senders: []string{"staff@hotmail.com", "scomp@aol.net", "feedbackloop@", "no-reply@sns.amazonaws.com"},
	strong: []string{
		"this is an email abuse report", "this is a spam report", "feedback-type: abuse",
		"notificationtype:complaint", "notificationtype: complaint", "eventtype:complaint",
	},
}}
