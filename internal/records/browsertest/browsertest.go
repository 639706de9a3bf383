// Package browsertest gives tests a headless Chromium (Debian's chromium
// package) through chromedp, to check the pages klachtd writes as a person
// would see them.
//
// One browser is shared per test package: it starts on the first Tab and
// ends with Close, which the package's TestMain calls after the tests (the
// kernel also kills it with the test binary, chromedp's Pdeathsig). Without
// chromium a test skips — except under CI=true, where it fails, so that CI
// can never pass by skipping. KLACHTD_CHROMIUM names another browser binary.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type browser struct {
	ctx     context.Context
	cancel  func()
	dataDir string
	err     error
}

var (
	once   sync.Once
	shared browser
)

// execPath finds the browser: KLACHTD_CHROMIUM, else chromium on PATH.
func execPath() (string, error) {
	if p := os.Getenv("KLACHTD_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH (apt-get install -y chromium)")
}

func start() {
	path, err := execPath()
	if err != nil {
		shared.err = fmt.Errorf("browsertest: %w", err)
		return
	}
	dir, err := os.MkdirTemp("", "klachtd-chromium-")
	if err != nil {
		shared.err = err
		return
	}
	shared.dataDir = dir
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.UserDataDir(dir),
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1000, 1400),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		bcancel()
		acancel()
		shared.err = fmt.Errorf("browsertest: start %s: %w", path, err)
		return
	}
	shared.ctx, shared.cancel = bctx, func() { bcancel(); acancel() }
}

// Tab returns a context for a new tab of the shared browser, closed when
// the test ends, with a deadline of one minute.
func Tab(t testing.TB) context.Context {
	t.Helper()
	once.Do(start)
	if shared.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(shared.err)
		}
		t.Skip(shared.err)
	}
	tctx, cancel := chromedp.NewContext(shared.ctx)
	tctx, cancelT := context.WithTimeout(tctx, time.Minute)
	t.Cleanup(func() { cancelT(); cancel() })
	return tctx
}

// Close ends the shared browser, if one started, and removes its profile.
func Close() {
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.dataDir != "" {
		os.RemoveAll(shared.dataDir)
	}
}

// Screenshot renders the page at url (file:// is fine) in a tab and returns
// a PNG of the whole page.
func Screenshot(t testing.TB, ctx context.Context, url string) []byte {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("browsertest: open %s: %v", url, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browsertest: screenshot %s: %v", url, err)
	}
	return png
}
