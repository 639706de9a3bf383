package config

import (
	"context"
	"log/slog"
)

// ScrubHandler wraps h so that no record it writes carries a secret: every
// string and error attribute (in groups too, and those added by With) goes
// through sc. Messages are constant by convention and are left alone.
// klachtd's logger is built with it, so that an error from a library that
// echoes a connection string cannot reach the log.
func ScrubHandler(h slog.Handler, sc *Scrubber) slog.Handler {
	return &scrubHandler{next: h, sc: sc}
}

type scrubHandler struct {
	next slog.Handler
	sc   *Scrubber
}

func (h *scrubHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *scrubHandler) WithAttrs(as []slog.Attr) slog.Handler {
	scrubbed := make([]slog.Attr, len(as))
	for i, a := range as {
		scrubbed[i] = h.attr(a)
	}
	return &scrubHandler{next: h.next.WithAttrs(scrubbed), sc: h.sc}
}

func (h *scrubHandler) WithGroup(name string) slog.Handler {
	return &scrubHandler{next: h.next.WithGroup(name), sc: h.sc}
}

func (h *scrubHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.sc.String(v.String()))
	case slog.KindGroup:
		as := v.Group()
		scrubbed := make([]any, len(as))
		for i, g := range as {
			scrubbed[i] = h.attr(g)
		}
		return slog.Group(a.Key, scrubbed...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.Any(a.Key, h.sc.Error(err))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
