# completions/cellsched.bash: bash completion for cellsched(8), the sched_ext
# cell orchestrator's daemon and CLI.
#
# Owns the completion of the cellsched command line: commands, the sub-verbs
# of `cell`, the global options (before or after the command), each verb's
# options as its --help prints them, file names after -c/--config and
# --socket, modes after --mode, policies after --policy, the policy's
# tunables after --set, and cell names after `cell show|resize|delete|assign`
# (asked of the running daemon with `cellsched cells --json`; when no daemon
# answers, nothing is offered). Keep it in step with orchestrator/cli/main.c,
# orchestrator/cli/client.c, orchestrator/cli/check.c, orchestrator/daemon/run.c
# and orchestrator/core/policies.c.
#
# Install it as /usr/share/bash-completion/completions/cellsched, or source it.
# It uses bash-completion's _init_completion when that is loaded, and plain
# bash otherwise.

# COMPREPLY=($(compgen ...)) splits on blanks on purpose: no candidate has one.
# shellcheck disable=SC2207

# The cells the daemon has now, those starting with $2; $1 is the cellsched
# command as typed, $3 the --socket given on the command line (or empty).
_cellsched_cells()
{
    local cmd=$1 cur=$2 socket=$3 out line
    local -a run=("$cmd")

    [[ $cmd == \~/* ]] && run=("$HOME/${cmd#\~/}")    # a "~/..." typed as is
    command -v timeout >/dev/null 2>&1 && run=(timeout 3 "${run[@]}")
    out=$("${run[@]}" ${socket:+--socket "$socket"} cells --json 2>/dev/null </dev/null) ||
        return 0
    while IFS= read -r line; do
        # json-c's pretty output: one "name": "..." line per cell; names with
        # escapes (a cgroup named with control characters) are left out
        if [[ $line =~ ^[[:space:]]*\"name\":[[:space:]]*\"([^\"\\]*)\",?[[:space:]]*$ ]]; then
            [[ ${BASH_REMATCH[1]} == "$cur"* ]] && COMPREPLY+=("${BASH_REMATCH[1]}")
        fi
    done <<<"$out"
    return 0
}

# File names starting with $cur.
_cellsched_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_cellsched()
{
    local cur prev words cword split=false

    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        # Plain bash: split the line up to the cursor on blanks, so that
        # --socket=PATH and TUNABLE=VALUE stay one word.
        local line=${COMP_LINE:0:COMP_POINT}
        read -r -a words <<<"$line"
        if [[ -z $line || $line == *[[:blank:]] ]]; then
            words+=("")
        fi
        cword=$((${#words[@]} - 1))
        cur=${words[cword]}
        prev=${words[cword - 1]}
        if [[ $cur == --?*=* ]]; then
            prev=${cur%%=*}
            cur=${cur#*=}
            split=true
        fi
        COMPREPLY=()
    fi

    local -a globals=(-v --verbose -q --quiet --json --socket)
    local -a commands=(run check status cells cell rebalance reload stats events stop version help)
    local -a cell_subs=(show create adopt resize delete assign)

    # The command, the cell sub-verb, the words after them, and the --socket
    # and --policy given so far.
    local i w cmd="" sub="" socket="" policy="" nargs=0
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
            --socket)
                ((i + 1 < cword)) && socket=${words[i + 1]}
                ((i++))
                continue
                ;;
            --socket=*)
                socket=${w#--socket=}
                continue
                ;;
            --policy)
                ((i + 1 < cword)) && policy=${words[i + 1]}
                ((i++))
                continue
                ;;
            --policy=*)
                policy=${w#--policy=}
                continue
                ;;
            -c | --config | --mode | --slice-us | --stats | --cpus | --min | --max | \
                --weight | --cgroup | --pid | --set | --watch)
                [[ -n $cmd ]] && ((i++))
                continue
                ;;
            -*)
                # `cell SUB --json NAME` is refused: --json stays in the verb's
                # arguments and takes the place of NAME
                [[ $w == --json && $cmd == cell && -n $sub ]] && ((nargs++))
                continue
                ;;
        esac
        if [[ -z $cmd ]]; then
            cmd=$w
        elif [[ $cmd == cell && -z $sub ]]; then
            sub=$w
        else
            ((nargs++))
        fi
    done

    # Values of options.
    case $prev in
        --socket)
            _cellsched_files
            return
            ;;
        -c | --config)
            if [[ $cmd == run || $cmd == check ]]; then
                _cellsched_files
                return
            fi
            ;;
        --mode)
            COMPREPLY=($(compgen -W "auto native embedded" -- "$cur"))
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W "text openmetrics" -- "$cur"))
            return
            ;;
        --policy)
            COMPREPLY=($(compgen -W "fifo vtime latency external" -- "$cur"))
            return
            ;;
        --set)
            local tunables
            case ${policy:-fifo} in
                fifo) tunables="slice_us=" ;;
                vtime) tunables="slice_us= lag_us=" ;;
                latency) tunables="slice_us= short_us= min_run_us=" ;;
                *) tunables="" ;;
            esac
            COMPREPLY=($(compgen -W "$tunables" -- "$cur"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        --pid)
            if declare -F _pids >/dev/null 2>&1; then
                _pids
            else
                COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && printf '%s ' [0-9]*)" -- "$cur"))
            fi
            return
            ;;
        --cgroup)
            if [[ $sub == assign ]]; then
                # a cgroup relative to the cgroup2 mount
                local IFS=$'\n'
                COMPREPLY=($(cd /sys/fs/cgroup 2>/dev/null && compgen -d -S / -- "${cur#/}"))
                compopt -o nospace 2>/dev/null
            fi
            return
            ;;
        --slice-us | --stats | --cpus | --min | --max | --weight | --watch)
            # numbers and CPU lists: nothing to offer
            return
            ;;
    esac
    [[ $split == true ]] && return

    # No command yet: commands, or the options that may come before one.
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "${globals[*]} -h --help -V --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "${commands[*]}" -- "$cur"))
        fi
        return
    fi

    local opts=""
    case $cmd in
        run)
            # --json and --socket after run are not global options
            opts="-c --config --mode --slice-us --stats -v --verbose -q --quiet --help"
            ;;
        check)
            opts="-c --config --mode --cpus --json -v --verbose -q --quiet --help"
            ;;
        status | stop)
            opts="${globals[*]} --help"
            ;;
        cells)
            opts="-o --output ${globals[*]} --help"
            ;;
        rebalance)
            opts="--dry-run -o --output ${globals[*]} --help"
            ;;
        reload)
            opts="--reset ${globals[*]} --help"
            ;;
        events)
            opts="--follow ${globals[*]} --help"
            ;;
        stats)
            opts="--watch --format --describe ${globals[*]} --help"
            ;;
        cell)
            if [[ -z $sub ]]; then
                if [[ $cur == -* ]]; then
                    COMPREPLY=($(compgen -W "--help" -- "$cur"))
                else
                    COMPREPLY=($(compgen -W "${cell_subs[*]}" -- "$cur"))
                fi
                return
            fi
            # the cell's NAME comes right after the sub-verb
            if ((nargs == 0)) && [[ $cur != -* ]]; then
                case $sub in
                    show | resize | delete | assign)
                        _cellsched_cells "${words[0]}" "$cur" "$socket"
                        declare -F __ltrim_colon_completions >/dev/null 2>&1 &&
                            __ltrim_colon_completions "$cur"
                        ;;
                    adopt)
                        # an existing cgroup, from the cgroup2 mount
                        local IFS=$'\n'
                        COMPREPLY=($(cd /sys/fs/cgroup 2>/dev/null && compgen -d -P / -S / -- "${cur#/}"))
                        compopt -o nospace 2>/dev/null
                        ;;
                esac
                return
            fi
            case $sub in
                show | delete)
                    opts="${globals[*]} --help"
                    ;;
                create)
                    opts="--cpus --min --max --weight --policy --cgroup --set --lend --no-lend"
                    opts+=" ${globals[*]} --help"
                    ;;
                resize)
                    opts="--cpus --min --max --weight ${globals[*]} --help"
                    ;;
                adopt)
                    opts="--name --cpus --min --max --weight --policy --set --lend --no-lend"
                    opts+=" ${globals[*]} --help"
                    ;;
                assign)
                    opts="--pid --cgroup ${globals[*]} --help"
                    ;;
                *)
                    return
                    ;;
            esac
            ;;
        *)
            # version, help, or an unknown command: nothing more
            return
            ;;
    esac
    if [[ $cur == -* || $nargs -gt 0 || $cmd != cell ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
}

complete -F _cellsched cellsched
