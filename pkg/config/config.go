package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Source says where an effective value came from.
type Source struct {
	Layer string `json:"layer"` // flag, env, dotenv, config, default
	Name  string `json:"name"`  // --flag, VARIABLE, or the file read
}

func (s Source) String() string {
	if s.Name == "" {
		return s.Layer
	}
	return s.Layer + " " + s.Name
}

// Config is the effective configuration of one dhmig invocation.
type Config struct {
	v       *viper.Viper
	sources map[string]Source
	// ConfigFile and EnvFile are the files actually read ("" when none).
	ConfigFile string
	EnvFile    string
	// EnvFileValues are the raw variables of the .env file, for commands
	// that check it (config check) and for backing it up.
	EnvFileValues map[string]string
}

// LoadOptions are the inputs of Load: nothing is read from the process.
type LoadOptions struct {
	// Flags are the root command's persistent flags, after parsing.
	Flags *pflag.FlagSet
	// Environ is the process environment as KEY=VALUE strings.
	Environ []string
	// Dir resolves the default dhmig.yaml and .env (the working directory).
	Dir string
}

// Load layers the configuration: flag > DHMIG_* environment > the guide's
// environment names > .env file > dhmig.yaml > default. A .env file never
// overrides the real environment.
func Load(o LoadOptions) (*Config, error) {
	env := envMap(o.Environ)
	c := &Config{v: viper.New(), sources: map[string]Source{}}
	for _, s := range Settings {
		c.v.SetDefault(s.Key, s.Default)
		c.sources[s.Key] = Source{Layer: "default"}
	}

	cfgPath, cfgExplicit := fileChoice(o, env, "config", "DHMIG_CONFIG", "dhmig.yaml")
	if err := c.readYAML(cfgPath, cfgExplicit); err != nil {
		return nil, err
	}
	envPath, envExplicit := fileChoice(o, env, "env-file", "DHMIG_ENV_FILE", ".env")
	if err := c.readDotEnv(envPath, envExplicit); err != nil {
		return nil, err
	}
	layer := map[string]any{}
	for _, s := range Settings {
		for _, name := range s.Env {
			if val, ok := env[name]; ok {
				layer[s.Key] = val
				c.sources[s.Key] = Source{Layer: "env", Name: name}
				break
			}
		}
	}
	if err := c.v.MergeConfigMap(layer); err != nil {
		return nil, fmt.Errorf("%w: environment: %v", ErrInvalid, err)
	}
	if o.Flags != nil {
		for _, s := range Settings {
			f := o.Flags.Lookup(s.Flag)
			if s.Flag == "" || f == nil {
				continue
			}
			if err := c.v.BindPFlag(s.Key, f); err != nil {
				return nil, err
			}
			if f.Changed {
				c.sources[s.Key] = Source{Layer: "flag", Name: "--" + s.Flag}
			}
		}
	}
	return c, c.validate()
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// fileChoice picks a file from its flag, its environment variable or the
// default name in Dir; explicit choices must exist.
func fileChoice(o LoadOptions, env map[string]string, flag, envName, def string) (string, bool) {
	if o.Flags != nil {
		if f := o.Flags.Lookup(flag); f != nil && f.Changed {
			return f.Value.String(), true
		}
	}
	if p, ok := env[envName]; ok && p != "" {
		return p, true
	}
	return filepath.Join(o.Dir, def), false
}

func readOptional(path string, explicit bool, what string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, os.ErrNotExist) && !explicit:
		return nil, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w: %s %s does not exist", ErrInvalid, what, path)
	default:
		return nil, fmt.Errorf("%w: read %s %s: %v", ErrInvalid, what, path, err)
	}
}

func (c *Config) readYAML(path string, explicit bool) error {
	b, err := readOptional(path, explicit, "config file")
	if err != nil || b == nil {
		return err
	}
	c.v.SetConfigType("yaml")
	if err := c.v.ReadConfig(bytes.NewReader(b)); err != nil {
		return yamlError(path, err)
	}
	for _, s := range Settings {
		if c.v.InConfig(s.Key) {
			c.sources[s.Key] = Source{Layer: "config", Name: path}
		}
	}
	for _, k := range c.v.AllKeys() {
		if _, ok := Lookup(k); !ok {
			return unknownKeyError(path, k)
		}
	}
	c.ConfigFile = path
	return nil
}

func (c *Config) readDotEnv(path string, explicit bool) error {
	b, err := readOptional(path, explicit, "env file")
	if err != nil || b == nil {
		return err
	}
	vals, err := godotenv.UnmarshalBytes(b)
	if err != nil {
		return dotEnvError(path, b, err)
	}
	layer := map[string]any{}
	for _, s := range Settings {
		for _, name := range s.Env {
			if val, ok := vals[name]; ok {
				layer[s.Key] = val
				c.sources[s.Key] = Source{Layer: "dotenv", Name: path}
				break
			}
		}
	}
	if err := c.v.MergeConfigMap(layer); err != nil {
		return fmt.Errorf("%w: env file %s: %v", ErrInvalid, path, err)
	}
	c.EnvFile, c.EnvFileValues = path, vals
	return nil
}

func (c *Config) validate() error {
	if _, err := c.DatabaseTarget(); err != nil {
		return fmt.Errorf("%w (from %s)", err, c.Source("database_url"))
	}
	if _, _, err := c.SourceTarget(); err != nil {
		return fmt.Errorf("%w (from %s)", err, c.Source("source_url"))
	}
	if _, err := target.Lookup(c.TargetName()); err != nil {
		return fmt.Errorf("%w: %v (from %s)", ErrInvalid, err, c.Source("target"))
	}
	for _, k := range []string{"lock_timeout", "connect_timeout"} {
		if _, err := c.duration(k); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the effective value of a setting.
func (c *Config) Get(key string) string { return c.v.GetString(key) }

// Source says where a setting's effective value came from.
func (c *Config) Source(key string) Source { return c.sources[key] }

// DatabaseURL is the configured database URL (it may hold a password).
func (c *Config) DatabaseURL() string { return c.v.GetString("database_url") }

// SourceURL is the database holding the legacy table when it is not the
// one to migrate (--source-url), or "" (it may hold a password).
func (c *Config) SourceURL() string { return c.v.GetString("source_url") }

// TargetName is the configured target's name (--target); validated at load.
func (c *Config) TargetName() string {
	return strings.ToLower(strings.TrimSpace(c.v.GetString("target")))
}

// Target is the configured target's definition.
func (c *Config) Target() *target.Profile {
	p, err := target.Lookup(c.TargetName())
	if err != nil {
		return target.Guide
	}
	return p
}

// BackupDir is where backups are written.
func (c *Config) BackupDir() string { return c.v.GetString("backup_dir") }

// LogFile is the migration log, or "".
func (c *Config) LogFile() string { return c.v.GetString("log_file") }

// Environment is development, staging, production…
func (c *Config) Environment() string { return strings.ToLower(c.v.GetString("environment")) }

// IsProduction reports MIGRATION_ENV=production.
func (c *Config) IsProduction() bool { return c.Environment() == "production" }

// LockTimeout is how long a writer waits for another.
func (c *Config) LockTimeout() time.Duration { d, _ := c.duration("lock_timeout"); return d }

// ConnectTimeout bounds the first connection.
func (c *Config) ConnectTimeout() time.Duration { d, _ := c.duration("connect_timeout"); return d }

// duration accepts Go durations ("15s", "1m") and plain seconds ("15").
func (c *Config) duration(key string) (time.Duration, error) {
	raw := strings.TrimSpace(c.v.GetString(key))
	if n, err := strconv.Atoi(raw); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%w: %s %q (from %s) is not a duration such as 15s or 2m", ErrInvalid, key, raw, c.Source(key))
	}
	return d, nil
}

// Entry is one effective setting as `config show` prints it.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Effective lists every setting with secrets shown as *** and passwords in
// URLs masked.
func (c *Config) Effective() []Entry {
	out := make([]Entry, 0, len(Settings))
	for _, s := range Settings {
		val := c.Get(s.Key)
		switch {
		case s.Secret && val != "":
			val = database.Mask
		case s.URL:
			val = database.RedactURL(val)
		}
		out = append(out, Entry{Key: s.Key, Value: val, Source: c.Source(s.Key).String()})
	}
	return out
}

// Secrets are the values that must never be printed: the database URL's
// password and secret parameters, even when the URL does not parse, and
// the secret settings. The CLI masks them in every message.
func (c *Config) Secrets() []string {
	var all []string
	for _, u := range []string{c.DatabaseURL(), c.SourceURL()} {
		all = append(all, database.URLSecrets(u)...)
		if t, err := database.ParseURL(u); err == nil && u != "" {
			all = append(all, t.Secrets()...)
		}
	}
	for _, s := range Settings {
		if v := c.Get(s.Key); s.Secret && v != "" {
			all = append(all, v)
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range all {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
