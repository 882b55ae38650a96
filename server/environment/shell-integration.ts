// The bash rc file that gives stepwise its shell integration (DESIGN.md "Shell integration"): OSC 133 markers
// that tell the server when a prompt is shown, when a command starts and when it ends with which status.
// Every backend starts the learner's shell as `bash --rcfile <this file> -i`. Needs bash >= 4.4 (PS0).
//
//   A  prompt starts   (PS1, before the prompt text)
//   B  prompt ends     (PS1, after it: the shell now waits for a command)
//   C  command starts  (PS0: printed after a command is read, before it runs)
//   D;<status>         (PROMPT_COMMAND: runs before every prompt, with $? of the last command)
//
// D also comes after an empty line or a Ctrl-C at the prompt, with no C before it; the reader ignores a D
// that has no C. A multi-line paste is read by readline as one buffer, so it gives a C per command and one D
// at the end (see shell-terminal.ts). The user's own ~/.bashrc is not read: lessons need a predictable shell.

/** The shell exits with this status when bash is too old, so the server can say why it did not start. */
export const SHELL_TOO_OLD_EXIT = 97;

export const SHELL_RC = String.raw`# stepwise shell integration: OSC 133 markers (A, B from PS1; C from PS0; D from PROMPT_COMMAND).
if (( BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4) )); then
  echo "stepwise: the terminal needs bash 4.4 or newer (this is bash $BASH_VERSION); on macOS install bash from Homebrew" >&2
  exit ${SHELL_TOO_OLD_EXIT}
fi
set -o emacs
bind 'set enable-bracketed-paste on' 2>/dev/null
bind 'set enable-active-region off' 2>/dev/null
bind 'set bell-style none' 2>/dev/null # a run clears the prompt line first (C-e C-u), which rings on an empty line
stty -ixon 2>/dev/null
stty iutf8 2>/dev/null # a pty opened without an encoding leaves IUTF8 off: backspace would split a UTF-8 character
unset HISTFILE
PS1='\[\e]133;A\a\]\[\e[1;32m\]stepwise\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]\$ \[\e]133;B\a\]'
PS0='\e]133;C\a'
PROMPT_COMMAND='__stepwise_status=$?; printf "\e]133;D;%s\a" "$__stepwise_status"'
`;
