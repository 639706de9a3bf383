package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// applyEnv sets every scalar key that has a KLACHTD_<SECTION>_<KEY> variable.
// Array-of-table sections (handlers, routing) are left to the file.
func applyEnv(c *Config, getenv func(string) string) error {
	root := reflect.ValueOf(c).Elem()
	for i := 0; i < root.NumField(); i++ {
		section := root.Type().Field(i).Tag.Get("toml")
		sv := root.Field(i)
		if sv.Kind() != reflect.Struct || !root.Type().Field(i).IsExported() {
			continue
		}
		for j := 0; j < sv.NumField(); j++ {
			if !sv.Type().Field(j).IsExported() {
				continue
			}
			key := sv.Type().Field(j).Tag.Get("toml")
			name := "KLACHTD_" + strings.ToUpper(section+"_"+key)
			v := getenv(name)
			if v == "" {
				continue
			}
			if err := setValue(sv.Field(j), v); err != nil {
				return fmt.Errorf("config: %s (from %s): %w", section+"."+key, name, err)
			}
		}
	}
	return nil
}

func setValue(f reflect.Value, v string) error {
	if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(v))
	}
	switch f.Kind() {
	case reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		if err := setValue(p.Elem(), v); err != nil {
			return err
		}
		f.Set(p)
	case reflect.String:
		f.SetString(v)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("not a whole number: %q", v)
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("not true or false: %q", v)
		}
		f.SetBool(b)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("cannot be set from the environment")
		}
		parts := strings.Split(v, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}
