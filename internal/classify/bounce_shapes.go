package classify

// bounceShapes are the delivery-failure notices klachtd recognises, one
// entry per MTA family or provider and language of the notice. It is data:
// a new notice is a new entry (and a sample in testdata), not new code.
// The table is read-only; the order only decides which name a Reason gives
// when two entries match.
var bounceShapes = []shape{
	{
		name:     "postfix",
		subjects: []string{"undelivered mail returned to sender", "delayed mail (still being retried)", "successful mail delivery report"},
		strong: []string{
			"this is the mail system at host",
			"this is the postfix program at host",
			"i'm sorry to have to inform you that your message could not be delivered",
			"for further assistance, please send mail to postmaster",
			"the mail system <",
		},
	},
	{
		name:     "postfix-nl",
		subjects: []string{"onbestelbaar bericht teruggestuurd naar afzender", "onbestelbare e-mail geretourneerd aan afzender"},
		strong: []string{
			"dit is het mailsysteem op host",
			"het spijt me u te moeten melden dat uw bericht niet kon worden afgeleverd",
		},
	},
	{
		name:     "postfix-de",
		subjects: []string{"unzustellbare nachricht an absender zurückgeschickt", "nicht zustellbare nachricht"},
		strong: []string{
			"dies ist das mailsystem auf dem rechner",
			"leider muss ich ihnen mitteilen, dass ihre nachricht nicht",
		},
	},
	{
		name:     "postfix-fr",
		subjects: []string{"message non délivré retourné à l'expéditeur", "courrier non distribuable retourné à l'expéditeur"},
		strong: []string{
			"ceci est le système de messagerie de l'hôte",
			"j'ai le regret de vous informer que votre message n'a pas pu être",
		},
	},
	{
		name:     "exim",
		headers:  []string{"X-Failed-Recipients"},
		subjects: []string{"mail delivery failed", "warning: message *", "mail failure -*"},
		strong: []string{
			"this message was created automatically by mail delivery software",
			"a message that you sent could not be delivered to one or more of its recipients",
			"the following address(es) failed",
			"------ this is a copy of the message, including all the headers. ------",
			"a message that you sent has not yet been delivered to one or more of its recipients",
		},
	},
	{
		name:     "exim-de",
		subjects: []string{"fehler bei der mailzustellung*", "mail delivery failed: returning message to sender"},
		strong: []string{
			"diese nachricht wurde automatisch von der e-mail-zustellsoftware erstellt",
			"eine von ihnen gesendete nachricht konnte an einen oder mehrere empfänger nicht zugestellt werden",
			"dies ist eine automatisch generierte nachricht",
		},
	},
	{
		name: "exim-fr",
		strong: []string{
			"ce message a été créé automatiquement par le logiciel de distribution du courrier",
			"un message que vous avez envoyé n'a pas pu être remis à un ou plusieurs de ses destinataires",
		},
	},
	{
		name:     "sendmail",
		subjects: []string{"returned mail:", "warning: could not send message for past*", "returned mail", "postmaster notify:"},
		strong: []string{
			"----- transcript of session follows -----",
			"----- the following addresses had permanent fatal errors -----",
			"the original message was received at",
			"----- original message follows -----",
			"message could not be delivered for",
		},
	},
	{
		name:     "qmail",
		subjects: []string{"failure notice"},
		strong: []string{
			"hi. this is the qmail-send program at",
			"i'm afraid i wasn't able to deliver your message to the following addresses",
			"--- below this line is a copy of the message.",
			"this is a permanent error; i've given up",
		},
	},
	{
		name:     "courier",
		senders:  []string{"courier mail server at"},
		subjects: []string{"notice: mail delivery status.", "notice: mail delivery status"},
		strong: []string{
			"this is a delivery status notification from",
			"your message was not delivered to the following recipients",
			"courier mail server at",
		},
	},
	{
		name:     "dragonfly",
		subjects: []string{"mail delivery failed"},
		strong: []string{
			"this is the dragonfly mail agent",
			"there was an error delivering your mail to",
			"did not like our rcpt to",
		},
	},
	{
		name:     "opensmtpd",
		subjects: []string{"delivery status notification: error", "delivery status notification: delay"},
		strong: []string{
			"this is the mailer-daemon at",
			"an error has occurred while attempting to deliver a message for the following list of recipients",
		},
	},
	{
		name:     "exchange",
		senders:  []string{"microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@"},
		headers:  []string{"X-Ms-Exchange-Message-Is-Ndr"},
		subjects: []string{"undeliverable:", "undeliverable", "delivery delayed:", "delivery has failed:"},
		strong: []string{
			"delivery has failed to these recipients or groups",
			"your message couldn't be delivered",
			"your message did not reach some or all of the intended recipients",
			"the following recipient(s) cannot be reached",
			"diagnostic information for administrators",
			"generating server:",
		},
		weak: []string{"your message to"},
	},
	{
		name:     "exchange-nl",
		subjects: []string{"onbestelbaar:", "onbestelbaar", "bezorging vertraagd:", "niet bezorgd:"},
		strong: []string{
			"de bezorging is mislukt voor deze ontvangers of groepen",
			"uw bericht kan niet worden bezorgd",
			"diagnostische gegevens voor beheerders",
			"genererende server:",
		},
		weak: []string{"uw bericht aan"},
	},
	{
		name:     "exchange-de",
		subjects: []string{"unzustellbar:", "unzustellbar", "übermittlung verzögert:", "nicht zustellbar:"},
		strong: []string{
			"die zustellung an folgende empfänger oder gruppen ist fehlgeschlagen",
			"ihre nachricht konnte nicht übermittelt werden",
			"diagnoseinformationen für administratoren",
			"generierender server:",
		},
	},
	{
		name:     "exchange-fr",
		subjects: []string{"non remis:", "non distribuable:", "remise différée:"},
		strong: []string{
			"la remise aux destinataires ou groupes suivants a échoué",
			"votre message n'a pas pu être remis",
			"informations de diagnostic pour les administrateurs",
			"serveur de génération:",
			"serveur de génération :",
		},
	},
	{
		name:     "gmail",
		senders:  []string{"mailer-daemon@googlemail.com", "mailer-daemon@google.com"},
		subjects: []string{"delivery status notification (failure)", "delivery status notification (delay)", "address not found"},
		strong: []string{
			"** address not found **",
			"** message not delivered **",
			"** message blocked **",
			"your message wasn't delivered to",
			"delivery to the following recipient failed permanently",
			"delivery to the following recipients failed permanently",
			"the response from the remote server was",
			"the response was:",
		},
	},
	{
		name:     "gmail-nl",
		subjects: []string{"melding over bezorgingsstatus (mislukt)", "melding over bezorgingsstatus (vertraging)", "adres niet gevonden"},
		strong: []string{
			"** adres niet gevonden **",
			"** bericht niet bezorgd **",
			"uw bericht is niet bezorgd bij",
			"het antwoord van de externe server was",
		},
	},
	{
		name:     "gmail-de",
		subjects: []string{"benachrichtigung zum übermittlungsstatus (fehler)", "adresse nicht gefunden"},
		strong: []string{
			"** adresse nicht gefunden **",
			"ihre nachricht wurde nicht an",
			"die antwort des remoteservers lautete",
		},
	},
	{
		name:     "gmail-fr",
		subjects: []string{"notification d'état de la distribution (échec)", "adresse introuvable"},
		strong: []string{
			"** adresse introuvable **",
			"votre message n'a pas été distribué à",
			"la réponse du serveur distant était",
		},
	},
	{
		name:     "yahoo",
		senders:  []string{"mailer-daemon@yahoo.com", "mailer-daemon@yahoo.co.uk", "@yahoo-inc.com"},
		subjects: []string{"failure notice"},
		strong: []string{
			"sorry, we were unable to deliver your message to the following address",
			"--- below this line is a copy of the message.",
		},
		weak: []string{"message not delivered"},
	},
	{
		name:     "apachejames",
		subjects: []string{"[bounce]"},
		strong: []string{
			"this is the james mail server at",
			"james smtp server",
		},
		weak: []string{"error message below:", "message details:"},
	},
	{
		name:     "mcafee",
		headers:  []string{"X-Nai-Header"},
		subjects: []string{"delivery status"},
		strong: []string{
			"--- the following addresses had delivery problems ---",
			"the following addresses had delivery problems",
		},
	},
	{
		name:    "kddi",
		senders: []string{"@ezweb.ne.jp", "@dion.ne.jp", "no-reply@app.auone-net.jp"},
		headers: []string{"X-Spasign"},
		strong: []string{
			"your mail sent on:",
			"your mail attempted to be delivered on:",
			"could not be delivered to: <",
			"as their mailbox is full",
			"as the remote domain doesnt exist",
		},
	},
	{
		name:     "verizon",
		senders:  []string{"post_master@vtext.com", "sysadmin@vzwpix.com", "@vzwpix.com"},
		subjects: []string{"undeliverable message"},
		strong: []string{
			"error: 550 - requested action not taken: no such user here",
			"error: no valid recipients",
		},
		weak: []string{"original message:"},
	},
	{
		name:    "fml",
		headers: []string{"X-Mlserver"},
		strong: []string{
			"you are not a member of this mailing list",
			"original mail as follows:",
			"not member article from",
			"has detected a loop condition",
		},
	},
	{
		name:    "amazon-ses",
		senders: []string{"no-reply@sns.amazonaws.com", "mailer-daemon@amazonses.com", "@email-smtp.amazonaws.com"},
		headers: []string{"X-Amz-Sns-Message-Type"},
		strong: []string{
			"notificationtype:bounce", "notificationtype: bounce", "notificationtype : bounce",
			"eventtype:bounce", "eventtype: bounce",
			"an error occurred while trying to deliver the mail to the following recipients",
		},
	},
	{
		name:     "notes",
		subjects: []string{"delivery failure:", "undeliverable message", "delivery report (failure)*"},
		strong: []string{
			"your message was not delivered to",
			"was not delivered because:",
			"not listed in domino directory",
			"not listed in public name & address book",
		},
	},
	{
		name:     "messagingserver",
		subjects: []string{"delivery notification: delivery has failed", "delivery notification: delivery has been delayed"},
		strong: []string{
			"this report relates to a message you sent with the following header fields",
			"your message cannot be delivered to the following recipients",
		},
	},
	{
		name:     "imailserver",
		subjects: []string{"undeliverable mail"},
		strong: []string{
			"body of message generated response:",
			"unknown user:",
			"original message follows.",
		},
	},
	{
		name:     "interscan",
		senders:  []string{"interscanmss@", "interscan mss"},
		subjects: []string{"mail could not be delivered"},
		strong: []string{
			"sent <<< rcpt to:",
			"received >>> 550",
			"received >>> 554",
		},
	},
	{
		name:     "mailmarshal",
		subjects: []string{"undeliverable mail:"},
		strong: []string{
			"could not be delivered because of",
			"the following recipients were affected:",
			"additional information follows:",
		},
	},
	{
		name:     "zoho",
		senders:  []string{"mailer-daemon@mail.zoho.com", "mailer-daemon@mail.zoho.eu", "@zohomail.com"},
		headers:  []string{"X-Zohomail"},
		subjects: []string{"undelivered mail returned to sender"},
		strong: []string{
			"this message was created automatically by mail delivery software",
		},
		weak: []string{"invalid address"},
	},
	{
		name:    "mimecast",
		senders: []string{"postmaster@mimecast.com", "@mimecast-offshore.com"},
		headers: []string{"X-Mimecast-Bounce"},
		strong: []string{
			"your message couldn't be delivered to the recipients shown below",
			"the following message to <",
		},
	},
	{
		name:     "generic-nl",
		subjects: []string{"onbestelbaar bericht", "niet afgeleverd:", "bericht niet afgeleverd", "mislukte bezorging", "mail niet afgeleverd"},
		strong: []string{
			"dit bericht is automatisch gegenereerd door de mailserver",
			"dit is een automatisch gegenereerd bericht van de mailserver",
			"kon niet worden afgeleverd bij de volgende ontvanger",
			"de volgende adressen konden niet worden bereikt",
		},
		weak: []string{"kon niet worden afgeleverd", "kon niet worden bezorgd", "is niet afgeleverd", "onbestelbaar", "permanente fout"},
	},
	{
		name:     "generic-de",
		subjects: []string{"unzustellbare nachricht", "fehler bei der zustellung*", "zustellung fehlgeschlagen"},
		strong: []string{
			"diese nachricht wurde automatisch vom mailserver erstellt",
			"die nachricht konnte an folgende empfänger nicht zugestellt werden",
		},
		weak: []string{"konnte nicht zugestellt werden", "nicht zugestellt", "unzustellbar", "permanenter fehler"},
	},
	{
		name:     "generic-fr",
		subjects: []string{"échec de la remise*", "échec de distribution*", "message non délivré", "courrier non distribuable"},
		strong: []string{
			"ce message a été généré automatiquement par le serveur de messagerie",
			"votre message n'a pas pu être délivré aux destinataires suivants",
		},
		weak: []string{"n'a pas pu être remis", "n'a pas pu être délivré", "non distribuable", "erreur permanente"},
	},
	{
		name: "generic",
		senders: []string{
			"mailer-daemon@", "mailer_daemon@", "mailerdaemon@", "mail-daemon@", "maildaemon@",
			"postmaster@", "post_master@", "post.master@", "mdaemon@",
			"mailer-daemon", "mailer daemon", "mail delivery subsystem", "mail delivery system",
			"mail delivery service", "postmaster", "mail administrator", "mail system",
		},
		subjects: []string{
			"undeliverable mail", "undelivered mail*", "delivery failure", "delivery notification: delivery has failed",
			"mail delivery failure", "mail system error - returned mail", "message delivery failure",
			"delivery status notification*", "non-delivery report*", "ndn:", "mail could not be delivered",
			"returned mail: see transcript for details", "failed delivery", "delivery failed",
		},
		strong: []string{
			"this is an automatically generated delivery status notification",
			"this is an automatically generated delivery notification",
			"the following message to <",
			"delivery to the following recipients failed",
			"unable to deliver message to the following recipients",
			"your message could not be delivered to the following recipients",
			"550 5.1.1", "550-5.1.1", "554 5.7.1", "552 5.2.2",
			"status: 5.", "action: failed", "final-recipient: rfc822;",
		},
		weak: []string{
			"could not be delivered", "couldn't be delivered", "was not delivered", "undeliverable",
			"delivery failed", "delivery has failed", "permanent error", "user unknown", "mailbox unavailable",
			"no such user", "mailbox full", "recipient address rejected", "host not found",
		},
	},
}
