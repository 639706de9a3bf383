package web

import "fmt"

// texts are the words of the form in one language.
type texts struct {
	Title, Intro, DefinitionHead, Regulation, Required, Optional, ErrorsHead                  string
	Name, Email, EmailHint, Phone, What, WhatHint, When, WhenHint, Department, DepartmentHint string
	Desired, DesiredHint, Files, FilesHint, Consent, Privacy, Send, OtherLang, Honeypot       string
	ThanksTitle, ThanksRef, ThanksMail, ThanksKeep                                            string
	ErrName, ErrEmailMissing, ErrEmailBad, ErrPhone, ErrWhat, ErrTooLong, ErrConsent          string
	ErrRate, ErrTooBig, ErrBadRequest, ErrToken, ErrFailed                                    string
	tooMany, fileTooBig, fileType                                                             string
}

func (t texts) errTooMany(n int) string { return fmt.Sprintf(t.tooMany, n) }
func (t texts) errFileTooBig(name string, mb int64) string {
	return fmt.Sprintf(t.fileTooBig, name, mb)
}
func (t texts) errFileType(name string) string { return fmt.Sprintf(t.fileType, name) }

func textsFor(lang string) texts {
	if lang == "en" {
		return texts{
			Title: "Submit a complaint", Intro: "Use this form to complain about how we treated you. You get an acknowledgement by e-mail with a reference.",
			DefinitionHead: "What is a complaint?", Regulation: "Read the complaints regulation", Required: "required", Optional: "optional",
			ErrorsHead: "Please correct the following:",
			Name:       "Your name", Email: "Your e-mail address", EmailHint: "We send the acknowledgement and our answer to this address.",
			Phone: "Phone number", What: "What happened?", WhatHint: "Describe what happened and what you complain about.",
			When: "When did it happen?", WhenHint: "A date, or a description such as \"last week\".",
			Department: "Who or which department is it about?", DepartmentHint: "",
			Desired: "What would you like to achieve?", DesiredHint: "For example an apology, an explanation or a solution.",
			Files: "Attachments", FilesHint: "At most %d files of %d MB each: PDF, JPEG, PNG or plain text.",
			Consent: "I agree that my data is used to handle my complaint.", Privacy: "Privacy statement",
			Send: "Send complaint", OtherLang: "Nederlands", Honeypot: "Leave this field empty",
			ThanksTitle: "Thank you for your complaint", ThanksRef: "Your reference is",
			ThanksMail: "We have sent an acknowledgement to", ThanksKeep: "Please mention the reference when you contact us about this complaint.",
			ErrName: "Enter your name.", ErrEmailMissing: "Enter your e-mail address, so that we can answer you.",
			ErrEmailBad: "Enter an e-mail address like name@example.com.", ErrPhone: "A phone number has only digits, spaces, +, - and brackets.",
			ErrWhat: "Describe what happened.", ErrTooLong: "This text is too long.", ErrConsent: "Agree to the use of your data, or complain by phone or letter instead.",
			ErrRate:       "Too many complaints were sent from your connection in the last hour. Please try again later.",
			ErrTooBig:     "The form with its attachments is too large. Send fewer or smaller files.",
			ErrBadRequest: "The form could not be read. Please try again.", ErrToken: "The form was open too long or was not sent from this page. Please check your entries and send it again.",
			ErrFailed: "Your complaint could not be saved just now. Please try again in a few minutes.",
			tooMany:   "Attach at most %d files.", fileTooBig: "%s is larger than %d MB.", fileType: "%s is not a PDF, JPEG, PNG or text file.",
		}
	}
	return texts{
		Title: "Een klacht indienen", Intro: "Met dit formulier dient u een klacht in over hoe wij u hebben behandeld. U krijgt een ontvangstbevestiging per e-mail met een kenmerk.",
		DefinitionHead: "Wat is een klacht?", Regulation: "Lees de klachtenregeling", Required: "verplicht", Optional: "niet verplicht",
		ErrorsHead: "Verbeter het volgende:",
		Name:       "Uw naam", Email: "Uw e-mailadres", EmailHint: "Hierheen sturen wij de ontvangstbevestiging en ons antwoord.",
		Phone: "Telefoonnummer", What: "Wat is er gebeurd?", WhatHint: "Beschrijf wat er gebeurde en waarover u klaagt.",
		When: "Wanneer gebeurde het?", WhenHint: "Een datum, of een omschrijving zoals \"vorige week\".",
		Department: "Over wie of welke afdeling gaat de klacht?", DepartmentHint: "",
		Desired: "Wat wilt u met uw klacht bereiken?", DesiredHint: "Bijvoorbeeld excuses, uitleg of een oplossing.",
		Files: "Bijlagen", FilesHint: "Hoogstens %d bestanden van %d MB: PDF, JPEG, PNG of tekst.",
		Consent: "Ik ga akkoord met het gebruik van mijn gegevens voor de behandeling van mijn klacht.", Privacy: "Privacyverklaring",
		Send: "Klacht versturen", OtherLang: "English", Honeypot: "Laat dit veld leeg",
		ThanksTitle: "Bedankt voor uw klacht", ThanksRef: "Uw kenmerk is",
		ThanksMail: "Wij hebben een ontvangstbevestiging gestuurd naar", ThanksKeep: "Noem het kenmerk als u over deze klacht contact met ons opneemt.",
		ErrName: "Vul uw naam in.", ErrEmailMissing: "Vul uw e-mailadres in, zodat wij u kunnen antwoorden.",
		ErrEmailBad: "Vul een e-mailadres in zoals naam@voorbeeld.nl.", ErrPhone: "Een telefoonnummer bevat alleen cijfers, spaties, +, - en haakjes.",
		ErrWhat: "Beschrijf wat er is gebeurd.", ErrTooLong: "Deze tekst is te lang.", ErrConsent: "Ga akkoord met het gebruik van uw gegevens, of dien uw klacht in per telefoon of brief.",
		ErrRate:       "Vanaf uw verbinding zijn het afgelopen uur te veel klachten verstuurd. Probeer het later opnieuw.",
		ErrTooBig:     "Het formulier met bijlagen is te groot. Stuur minder of kleinere bestanden.",
		ErrBadRequest: "Het formulier kon niet worden gelezen. Probeer het opnieuw.", ErrToken: "Het formulier stond te lang open of kwam niet van deze pagina. Controleer uw gegevens en verstuur het opnieuw.",
		ErrFailed: "Uw klacht kon nu niet worden opgeslagen. Probeer het over een paar minuten opnieuw.",
		tooMany:   "Voeg hoogstens %d bestanden toe.", fileTooBig: "%s is groter dan %d MB.", fileType: "%s is geen PDF-, JPEG-, PNG- of tekstbestand.",
	}
}
