//go:build linux

package backup

import (
	"os/exec"
	"syscall"
)

// dieWithDhmig has the kernel kill the child when dhmig dies (kill -9,
// OOM): a psql left running would read end of input and a pg_dump would
// keep writing into an abandoned backup.
func dieWithDhmig(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
