package backup

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// copyConfig copies the config directories and the .env file into the
// backup, recording where each file came from and its mode.
func copyConfig(work string, o Options) ([]File, error) {
	var files []File
	used := map[string]bool{}
	for _, dir := range o.ConfigDirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("config dir %s: %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("config dir %s is not a directory", dir)
		}
		name := filepath.Base(abs)
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s-%d", filepath.Base(abs), n)
		}
		used[name] = true
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if !d.Type().IsRegular() {
				fmt.Fprintf(o.Log, "skipping %s: not a regular file\n", p)
				return nil
			}
			rel, err := filepath.Rel(abs, p)
			if err != nil {
				return err
			}
			f, err := copyOne(work, filepath.Join("config", name, rel), p, RoleConfig)
			files = append(files, f)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("copy config dir %s: %w", dir, err)
		}
	}
	if o.EnvFile != "" {
		abs, err := filepath.Abs(o.EnvFile)
		if err != nil {
			return nil, err
		}
		f, err := copyOne(work, filepath.Join("env", filepath.Base(abs)), abs, RoleEnv)
		if err != nil {
			return nil, fmt.Errorf("copy env file %s: %w", o.EnvFile, err)
		}
		files = append(files, f)
	}
	return files, nil
}

func copyOne(work, rel, src, role string) (File, error) {
	st, err := os.Stat(src)
	if err != nil {
		return File{}, err
	}
	if err := mkdirs(work, rel); err != nil {
		return File{}, err
	}
	size, sum, err := copyInto(filepath.Join(work, rel), src)
	if err != nil {
		return File{}, err
	}
	return File{Path: filepath.ToSlash(rel), Role: role, Size: size, SHA256: sum,
		Mode: modeString(st.Mode()), Source: src}, nil
}
