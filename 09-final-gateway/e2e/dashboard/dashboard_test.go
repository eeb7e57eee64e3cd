package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboard drives the dashboard in headless Chromium against a real gateway, as
// an operator would: log in, create a service and a route in the forms (a validation
// error first), send traffic through the gateway and watch the charts move, change an
// app's quota, and see a change made through the API appear. Every page is saved as a
// screenshot.
func TestDashboard(t *testing.T) {
	p := &tab{ctx: browser(t), dir: screenshots(t)} // first: skips at once without chromium
	st := startStack(t)
	t.Logf("screenshots in %s", p.dir)
	var appToken string // issued in the dashboard, used through the gateway

	t.Run("login", func(t *testing.T) {
		p.do(t, "open the dashboard", chromedp.Navigate(st.admin+"/"), chromedp.WaitVisible(chromedp.CSS("#login-token")))
		p.shot(t, "01-login")
		p.do(t, "wrong token", chromedp.SendKeys(chromedp.CSS("#login-token"), "guess"), chromedp.Click(chromedp.CSS("#login-submit")))
		p.waitFor(t, "the refusal", `document.querySelector('#login-error').textContent.includes('not the admin token')`)
		p.do(t, "log in",
			chromedp.SetValue(chromedp.CSS("#login-token"), st.token),
			chromedp.Click(chromedp.CSS("#login-submit")),
			chromedp.WaitVisible(chromedp.CSS("#card-qps")))
		p.shot(t, "02-overview-empty")
	})

	t.Run("create a service in the form", func(t *testing.T) {
		p.open(t, "#/services/new", "#svc-name")
		p.do(t, "fill in a bad target",
			chromedp.SendKeys(chromedp.CSS("#svc-name"), "shop"),
			chromedp.SendKeys(chromedp.CSS("#svc-targets"), "shop-backend"),
			chromedp.Click(chromedp.CSS("#service-form-submit")))
		// The same message `gateway check` gives, beside the targets box.
		p.waitFor(t, "the field error", `document.querySelector('.field.invalid #svc-targets') !== null &&
			document.querySelector('.field.invalid .error').textContent.includes('targets[0].addr: "shop-backend" is not host:port')`)
		p.shot(t, "03-service-form-error")
		p.do(t, "fix the target",
			chromedp.SetValue(chromedp.CSS("#svc-targets"), st.backend.Listener.Addr().String()),
			chromedp.Click(chromedp.CSS("#service-form-submit")),
			chromedp.WaitVisible(chromedp.CSS("#service-targets table")))
		p.waitFor(t, "the service page", `location.hash === '#/services/shop'`)
	})

	t.Run("add a route from the service page", func(t *testing.T) {
		p.do(t, "open the route form", chromedp.Click(chromedp.CSS("#add-route")), chromedp.WaitVisible(chromedp.CSS("#route-prefix")))
		p.waitFor(t, "the form filled from the service", `document.querySelector('#route-prefix').value === '/shop' &&
			document.querySelector('#route-service').value === 'shop'`)
		p.shot(t, "04-route-form")
		p.do(t, "create it", chromedp.Click(chromedp.CSS("#route-form-submit")))
		p.waitFor(t, "the route listed", `(document.querySelector('#service-routes')?.textContent || '').includes('/shop')`)
	})

	t.Run("traffic moves the charts", func(t *testing.T) {
		const n = 25
		for i := range n {
			body := get(t, fmt.Sprintf("%s/shop/item/%d", st.web(), i), "")
			if want := fmt.Sprintf("backend saw /shop/item/%d\n", i); body != want {
				t.Fatalf("gateway answered %q, want %q", body, want)
			}
		}
		p.open(t, "#/services/shop", "#service-chart figure")
		p.waitFor(t, "the service chart", fmt.Sprintf(`Number(document.querySelector('#service-chart figure').dataset.total) >= %d`, n))
		p.waitFor(t, "the service counter", fmt.Sprintf(`Number(document.querySelector('#service-today .value').textContent) >= %d`, n))
		p.shot(t, "05-service-detail")

		stop := steadyTraffic(t, st.web()+"/shop/live")
		defer stop()
		p.open(t, "#/", "#overview-chart figure")
		p.waitFor(t, "the overview chart", fmt.Sprintf(`Number(document.querySelector('#overview-chart figure').dataset.total) >= %d`, n))
		p.waitFor(t, "live QPS", `Number(document.querySelector('#card-qps .value').textContent) > 0 &&
			document.querySelectorAll('#overview-qps polyline').length > 0`)
		p.shot(t, "06-overview-traffic")
	})

	t.Run("edit an app's quota", func(t *testing.T) {
		p.open(t, "#/apps", "#apps-body table")
		p.shot(t, "07-apps")
		p.setQuota(t, "acme", "100")
		if code, body := st.api(t, "GET", "/api/v1/apps/acme", ""); code != 200 || !strings.Contains(body, `"daily_quota":100`) {
			t.Errorf("the gateway has %d %s, want daily_quota 100", code, body)
		}
		p.do(t, "issue a test token", chromedp.Click(chromedp.CSS("#issue-token")), chromedp.WaitVisible(chromedp.CSS("#once-value")))
		appToken = p.eval(t, `document.querySelector('#once-value').textContent`)
		p.shot(t, "08-app-token")
	})

	t.Run("app usage counts against its quota", func(t *testing.T) {
		// The token the dashboard issued opens the app's routes, and each use counts
		// against the quota the dashboard just set.
		const n = 30
		for i := range n {
			get(t, fmt.Sprintf("%s/private/%d", st.web(), i), appToken)
		}
		if _, stats := st.api(t, "GET", "/api/v1/stats", ""); !strings.Contains(stats, `"acme":{"total":30,`) {
			t.Fatalf("the gateway did not count app acme's %d requests: stats %s", n, stats)
		}
		p.open(t, "#/apps/acme", "#app-chart figure")
		p.waitFor(t, "the usage chart", fmt.Sprintf(`Number(document.querySelector('#app-chart figure').dataset.total) >= %d`, n))
		p.waitFor(t, "the usage against the quota", `document.querySelector('#app-today .value').textContent.includes('30 / 100')`)
		p.shot(t, "09-app-usage")
	})

	t.Run("rotate the app's secret", func(t *testing.T) {
		if code := st.appToken(t, st.secret); code != http.StatusOK {
			t.Fatalf("token endpoint with the first secret: %d", code)
		}
		p.do(t, "rotate (two clicks: it cannot be undone)",
			chromedp.Click(chromedp.CSS("#rotate-secret")), chromedp.Click(chromedp.CSS("#rotate-secret")),
			chromedp.WaitVisible(chromedp.CSS("#once-value")))
		p.waitFor(t, "the new secret", `document.querySelector('#once').textContent.includes('New secret for acme')`)
		fresh := p.eval(t, `document.querySelector('#once-value').textContent`)
		if code := st.appToken(t, fresh); code != http.StatusOK {
			t.Errorf("token endpoint with the secret the dashboard showed: %d, want 200", code)
		}
		if code := st.appToken(t, st.secret); code != http.StatusUnauthorized {
			t.Errorf("token endpoint with the old secret: %d, want 401", code)
		}
		p.shot(t, "10-app-secret")
	})

	t.Run("a stale form is refused, not saved over another change", func(t *testing.T) {
		p.open(t, "#/services/shop/edit", "#svc-policy")
		// Another admin changes the configuration while the form is open.
		if code, answer := st.api(t, "PUT", "/api/v1/routes/hello", `{"path_prefix": "/hello", "service": "hello", "methods": ["GET"]}`); code != http.StatusOK {
			t.Fatalf("change through the API: %d %s", code, answer)
		}
		p.do(t, "save the stale form", chromedp.SetValue(chromedp.CSS("#svc-policy"), "random"), chromedp.Click(chromedp.CSS("#service-form-submit")))
		p.waitFor(t, "the conflict explained", `document.querySelector('#service-form .summary').textContent.includes('Someone changed the configuration')`)
		p.shot(t, "11-service-form-conflict")
		if _, body := st.api(t, "GET", "/api/v1/services/shop", ""); !strings.Contains(body, `"policy":"round_robin"`) {
			t.Fatalf("the stale form was saved: %s", body)
		}
		p.open(t, "#/services/shop/edit", "#svc-policy") // reopened: based on the current version
		p.do(t, "save again", chromedp.SetValue(chromedp.CSS("#svc-policy"), "random"), chromedp.Click(chromedp.CSS("#service-form-submit")))
		p.waitFor(t, "the new policy", `location.hash === '#/services/shop' &&
			(document.querySelector('#service-cards')?.textContent || '').includes('random')`)
	})

	t.Run("a change through the API appears", func(t *testing.T) {
		p.open(t, "#/services", "#services-body table")
		body := fmt.Sprintf(`{"name": "billing", "targets": [{"addr": "%s"}]}`, st.backend.Listener.Addr())
		if code, answer := st.api(t, "POST", "/api/v1/services", body); code != http.StatusCreated {
			t.Fatalf("create through the API: %d %s", code, answer)
		}
		// No reload: the list refreshes itself every 5 s.
		p.waitFor(t, "billing in the list", `document.querySelector('#services-body').textContent.includes('billing')`)
		p.shot(t, "12-services")
	})

	t.Run("other pages", func(t *testing.T) {
		p.open(t, "#/routes", "#routes-body table")
		p.shot(t, "13-routes")
		p.open(t, "#/config", "#config-json")
		p.shot(t, "14-config")
	})

	t.Run("log out, log in as a user", func(t *testing.T) {
		p.do(t, "log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#login-token")))
		p.do(t, "switch to user and password", chromedp.Click(chromedp.CSS("#login-switch")), chromedp.WaitVisible(chromedp.CSS("#login-user")))
		p.do(t, "wrong password",
			chromedp.SendKeys(chromedp.CSS("#login-user"), "alice"),
			chromedp.SendKeys(chromedp.CSS("#login-password"), "guess"),
			chromedp.Click(chromedp.CSS("#login-submit")))
		p.waitFor(t, "the refusal", `document.querySelector('#login-error').textContent.includes('Wrong user name or password') &&
			document.querySelector('#login-password').value === ''`)
		p.shot(t, "15-login-user")
		p.do(t, "log in as alice",
			chromedp.SendKeys(chromedp.CSS("#login-password"), alicePassword),
			chromedp.Click(chromedp.CSS("#login-submit")))
		// The page left at logout (#/config) comes back, with alice in the top bar.
		p.waitFor(t, "alice logged in", `!document.querySelector('#top').hidden &&
			document.querySelector('#who').textContent.startsWith('user alice (session ')`)
		// Alice's session makes changes as the token's did (cookie and CSRF token).
		p.setQuota(t, "acme", "200")
		p.shot(t, "16-logged-in-as-alice")
	})
}

// tab is the browser tab the test drives.
type tab struct {
	ctx context.Context
	dir string
}

// stepTimeout bounds every browser step, so a broken page fails fast.
const stepTimeout = 15 * time.Second

func (p *tab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// open shows a page of the dashboard (the #fragment), freshly loaded even when it is
// the page already shown, and waits for sel.
func (p *tab) open(t *testing.T, hash, sel string) {
	t.Helper()
	js := fmt.Sprintf(`location.hash === %[1]q ? window.dispatchEvent(new HashChangeEvent('hashchange')) : (location.hash = %[1]q)`, hash)
	p.do(t, "open "+hash, chromedp.Evaluate[chromedp.Void](js), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// setQuota sets an app's daily quota in its form and waits for the app's page to show it.
func (p *tab) setQuota(t *testing.T, app, quota string) {
	t.Helper()
	p.open(t, "#/apps/"+app+"/edit", "#app-quota")
	p.do(t, "set the quota",
		chromedp.SetValue(chromedp.CSS("#app-quota"), quota),
		chromedp.Click(chromedp.CSS("#app-form-submit")),
		chromedp.WaitVisible(chromedp.CSS("#app-cards")))
	p.waitFor(t, "the new quota shown", fmt.Sprintf(`document.querySelector('#app-daily-quota .value').textContent === %q`, quota))
}

// waitFor polls a JavaScript condition until it holds.
func (p *tab) waitFor(t *testing.T, what, cond string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	if err != nil {
		t.Fatalf("waiting for %s: %v\n%s", what, err, p.visibleText(t))
	}
}

// visibleText is the page's text, for failure messages.
func (p *tab) visibleText(t *testing.T) string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		return "(page text unavailable: " + err.Error() + ")"
	}
	return text
}

// shot saves the whole page as dir/name.png.
func (p *tab) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(p.dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// eval returns the string value of a JavaScript expression on the page.
func (p *tab) eval(t *testing.T, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// get sends a GET through the gateway (with a bearer token unless it is "") and
// returns the body of its 200 answer.
func get(t *testing.T, url, token string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return string(body)
}

// steadyTraffic sends about 20 requests a second to url until stop is called, so the
// live QPS figures have something to show. It gives up after 20 s in any case.
func steadyTraffic(t *testing.T, url string) (stop func()) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				continue // stopping: the context ended the request
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	return func() { cancel(); wg.Wait() }
}
