package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gatewaylab/09-final-gateway/config"
)

// kind describes one list of the configuration (services, routes, apps) to the
// generic list/get/create/update/delete endpoints.
type kind[T any] struct {
	singular, plural string
	key              string // the field that names an item: "name" or "id"
	items            func(*config.Config) *[]T
	keyOf            func(*T) string
	setKey           func(*T, string)
	// search is the text ?q= looks in.
	search func(*T) string
	// filter applies other query parameters (routes: ?service=); nil: none.
	filter func(*T, url.Values) bool
	// usedBy names what still refers to the item, which refuses its deletion.
	usedBy func(cfg *config.Config, key string) []string
	// show is how an item is shown; nil: as configured.
	show func(*T) (view, error)
	// prepare fills in what a client may leave out (old is nil on create) and returns
	// a secret to show once, if it made one.
	prepare func(old, item *T) (secret string)
}

// register mounts the kind's endpoints.
func register[T any](a *api, k *kind[T]) {
	base := "/api/v1/" + k.plural
	one := base + "/{key}"
	a.handle("GET "+base, k.list(a))
	a.handle("POST "+base, k.create(a))
	a.handle("GET "+one, k.get(a))
	a.handle("PUT "+one, k.update(a))
	a.handle("DELETE "+one, k.remove(a))
}

// listPage is a page of a list.
type listPage struct {
	Items []view `json:"items"`
	Total int    `json:"total"` // items matching, on every page
	Page  int    `json:"page"`
	Size  int    `json:"size"`
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

func (k *kind[T]) list(a *api) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		q := r.URL.Query()
		page, err := intParam(q, "page", 1, 1, 1<<20)
		if err != nil {
			return err
		}
		size, err := intParam(q, "size", defaultPageSize, 1, maxPageSize)
		if err != nil {
			return err
		}
		cfg, version := a.backend.Config()
		matched := k.matching(*k.items(cfg), q)
		out := listPage{Items: []view{}, Total: len(matched), Page: page, Size: size}
		for _, it := range pageOf(matched, page, size) {
			v, err := k.view(it)
			if err != nil {
				return err
			}
			out.Items = append(out.Items, v)
		}
		setVersion(w, version)
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// matching returns the items that ?q= (case-insensitive, in the kind's search text)
// and the kind's filters select.
func (k *kind[T]) matching(items []T, q url.Values) []*T {
	needle := strings.ToLower(strings.TrimSpace(q.Get("q")))
	var out []*T
	for i := range items {
		it := &items[i]
		if needle != "" && !strings.Contains(strings.ToLower(k.search(it)), needle) {
			continue
		}
		if k.filter != nil && !k.filter(it, q) {
			continue
		}
		out = append(out, it)
	}
	return out
}

func pageOf[E any](items []E, page, size int) []E {
	start := min((page-1)*size, len(items))
	return items[start:min(start+size, len(items))]
}

// intParam reads a whole-number query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, paramError(name, "%q: want a whole number from %d to %d", s, lo, hi)
	}
	return n, nil
}

func (k *kind[T]) view(it *T) (view, error) {
	if k.show != nil {
		return k.show(it)
	}
	return viewOf(it)
}

func (k *kind[T]) get(a *api) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		cfg, version := a.backend.Config()
		i := k.index(cfg, r.PathValue("key"))
		if i < 0 {
			return k.notFound(r.PathValue("key"))
		}
		v, err := k.view(&(*k.items(cfg))[i])
		if err != nil {
			return err
		}
		setVersion(w, version)
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (k *kind[T]) index(cfg *config.Config, key string) int {
	return slices.IndexFunc(*k.items(cfg), func(it T) bool { return k.keyOf(&it) == key })
}

func (k *kind[T]) notFound(key string) error {
	return fmt.Errorf("%s %q: %w", k.singular, key, errNotFound)
}

func (k *kind[T]) create(a *api) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		item, err := k.decode(w, r, a, -1)
		if err != nil {
			return err
		}
		key := k.keyOf(&item)
		c.target = k.singular + " " + key
		secret := ""
		err = a.change(r, c, func(cfg *config.Config) (string, error) {
			list := *k.items(cfg)
			if k.index(cfg, key) >= 0 {
				return "", fmt.Errorf("%s %q %w", k.singular, key, errExists)
			}
			if k.prepare != nil {
				secret = k.prepare(nil, &item)
			}
			*k.items(cfg) = append(slices.Clip(list), item) // never append into the served list
			return fmt.Sprintf("%s[%d]", k.plural, len(list)), nil
		})
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/"+k.plural+"/"+url.PathEscape(key))
		return k.answer(w, a, c, key, item, secret, http.StatusCreated)
	}
}

func (k *kind[T]) update(a *api) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		key := r.PathValue("key")
		c.target = k.singular + " " + key
		cfg, _ := a.backend.Config()
		at := k.index(cfg, key)
		if at < 0 {
			return k.notFound(key)
		}
		item, err := k.decode(w, r, a, at)
		if err != nil {
			return err
		}
		switch got := k.keyOf(&item); got {
		case "":
			k.setKey(&item, key)
		case key:
		default:
			return fieldError(k.key, "%q: renaming is not supported; create %s %q and delete %q", got, k.singular, got, key)
		}
		err = a.change(r, c, func(cfg *config.Config) (string, error) {
			i := k.index(cfg, key)
			if i < 0 {
				return "", k.notFound(key)
			}
			list := slices.Clone(*k.items(cfg))
			if k.prepare != nil {
				k.prepare(&list[i], &item)
			}
			list[i] = item
			*k.items(cfg) = list
			return fmt.Sprintf("%s[%d]", k.plural, i), nil
		})
		if err != nil {
			return err
		}
		return k.answer(w, a, c, key, item, "", http.StatusOK)
	}
}

// decode reads the request's item. at is its index in the configuration (-1: a new
// one, at the end), so that problems are reported at their configuration path.
func (k *kind[T]) decode(w http.ResponseWriter, r *http.Request, a *api, at int) (T, error) {
	var item T
	data, err := readBody(w, r)
	if err != nil {
		return item, err
	}
	if at < 0 {
		cfg, _ := a.backend.Config()
		at = len(*k.items(cfg))
	}
	err = decodeStrict(data, &item, fmt.Sprintf("%s[%d]", k.plural, at))
	return item, err
}

// answer writes the item as the gateway now has it (defaults applied), falling back
// to what was sent if another change already removed it again.
func (k *kind[T]) answer(w http.ResponseWriter, a *api, c *call, key string, sent T, secret string, status int) error {
	cfg, _ := a.backend.Config()
	it := &sent
	if i := k.index(cfg, key); i >= 0 {
		it = &(*k.items(cfg))[i]
	}
	v, err := k.view(it)
	if err != nil {
		return err
	}
	if secret != "" {
		v = v.with("secret", secret)
	}
	setVersion(w, c.version)
	writeJSON(w, status, v)
	return nil
}

func (k *kind[T]) remove(a *api) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		key := r.PathValue("key")
		c.target = k.singular + " " + key
		err := a.change(r, c, func(cfg *config.Config) (string, error) {
			i := k.index(cfg, key)
			if i < 0 {
				return "", k.notFound(key)
			}
			if k.usedBy != nil {
				if users := k.usedBy(cfg, key); len(users) > 0 {
					return "", fmt.Errorf("%s %q is %w by %s: change or delete them first",
						k.singular, key, errInUse, strings.Join(users, ", "))
				}
			}
			*k.items(cfg) = slices.Delete(slices.Clone(*k.items(cfg)), i, i+1)
			return "", nil
		})
		if err != nil {
			return err
		}
		setVersion(w, c.version)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
