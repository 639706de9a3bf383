package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the server.
const (
	ShutdownTimeout   = 10 * time.Second
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// Options wire a Server. Listen is required.
type Options struct {
	Listen  string       // host:port; ":0" picks a free port (tests)
	Health  HealthFunc   // /healthz; nil: always healthy
	Metrics http.Handler // /metrics; nil: not served
	// Routes are more handlers by http.ServeMux pattern ("/klacht",
	// "POST /klacht").
	Routes map[string]http.Handler
	Logger *slog.Logger // default: discard
}

// Server is the listener with its mux.
type Server struct {
	o   Options
	ln  net.Listener
	mux *http.ServeMux
	srv *http.Server
}

// New binds the listen address and registers the handlers. Serving starts
// with Run.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("web: listen %s: %w", o.Listen, err)
	}
	s := &Server{o: o, ln: ln, mux: http.NewServeMux()}
	s.mux.Handle("GET /healthz", healthHandler(o.Health))
	if o.Metrics != nil {
		s.mux.Handle("GET /metrics", o.Metrics)
	}
	for pattern, h := range o.Routes {
		s.mux.Handle(pattern, h)
	}
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog: slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn)}
	return s, nil
}

// Handle mounts h at pattern (http.ServeMux syntax). Call it before Run.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Addr is the address the server listens on (the port ":0" picked).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Run serves until ctx ends, then shuts down within ShutdownTimeout.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.o.Logger.Info("http_listening", slog.String("address", s.Addr()))
	select {
	case err := <-errc:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve: %w", err)
	}
	return nil
}

// Close stops a server that never ran (Open failed after New).
func (s *Server) Close() error { return s.srv.Close() }
