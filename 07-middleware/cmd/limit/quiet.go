package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// dialErrorsReturned is go-redis's logger for this demo. go-redis logs every failed dial
// and then returns the same error to the caller, where the limiter's Logger reports it:
// only the log line is dropped. Everything else go-redis logs still reaches the log.
type dialErrorsReturned struct{}

func (dialErrorsReturned) Printf(_ context.Context, format string, v ...any) {
	if strings.Contains(format, "failed to dial") {
		return
	}
	log.Printf(format, v...)
}

// repeatFilter is a slog.Handler that passes a record on unless it repeats the previous
// one (same level, message and attributes) within every. Like syslog, it says "last
// message repeated N times" before the next record it lets through: repeats are hidden,
// a new or different failure is not.
type repeatFilter struct {
	slog.Handler
	every time.Duration
	last  *lastRecord // shared by the handlers WithAttrs and WithGroup derive
}

type lastRecord struct {
	mu     sync.Mutex
	key    string
	level  slog.Level
	at     time.Time
	hidden int
}

func newRepeatFilter(h slog.Handler, every time.Duration) *repeatFilter {
	return &repeatFilter{Handler: h, every: every, last: &lastRecord{}}
}

func (f *repeatFilter) Handle(ctx context.Context, r slog.Record) error {
	key := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool {
		key += " " + a.String()
		return true
	})
	now := r.Time
	if now.IsZero() {
		now = time.Now()
	}
	l := f.last
	l.mu.Lock()
	if key == l.key && now.Sub(l.at) < f.every {
		l.hidden++
		l.mu.Unlock()
		return nil
	}
	hidden, level := l.hidden, l.level
	l.key, l.level, l.at, l.hidden = key, r.Level, now, 0
	l.mu.Unlock()
	if hidden > 0 {
		times := "times"
		if hidden == 1 {
			times = "time"
		}
		summary := slog.NewRecord(now, level, fmt.Sprintf("last message repeated %d %s", hidden, times), 0)
		if err := f.Handler.Handle(ctx, summary); err != nil {
			return err
		}
	}
	return f.Handler.Handle(ctx, r)
}

func (f *repeatFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return &repeatFilter{Handler: f.Handler.WithAttrs(as), every: f.every, last: f.last}
}

func (f *repeatFilter) WithGroup(name string) slog.Handler {
	return &repeatFilter{Handler: f.Handler.WithGroup(name), every: f.every, last: f.last}
}
