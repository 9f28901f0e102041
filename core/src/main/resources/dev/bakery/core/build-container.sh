# The build container's command, run by the Kaniko fork's debug image as it is (its static busybox,
# no other tool) through `env -i`: nothing of the container's environment (the task role's
# AWS_CONTAINER_CREDENTIALS_* or web-identity variables included) reaches this shell, its
# /proc/1/environ, the executor, the scripts or a RUN step. The image's own variables that matter are
# set again below. It talks to the agent only through files on the shared volume (BuildContainer).
export PATH=/usr/local/bin:/kaniko:/busybox HOME=/root USER=root SSL_CERT_DIR=/kaniko/ssl/certs
v=/bakery
stopped=
child=
trap 'stopped=1; [ -z "$child" ] || kill -TERM "$child"' TERM INT
# The go-ahead comes after the plan, the scripts and the output FIFO exist; "stop" ends the wait.
until [ -e $v/go ]; do
  [ -z "$stopped" ] && [ ! -e $v/stop ] || exit 143
  sleep 1
done
exec >$v/output 2>&1 </dev/null
# The build's environment and the executor's arguments ("set --"), each value single-quoted by the agent.
. $v/plan.sh
# Leaves "STEP EXIT-CODE" for the agent, atomically, and ends.
finish() {
  echo "$1 $2" >$v/exit.new && mv $v/exit.new $v/exit
  exit "$2"
}
# Runs a step in the background so that a SIGTERM reaches it (the trap) and waits until it has ended.
run() {
  [ -z "$stopped" ] || finish "$1" 143
  echo "##bakery-step $1"
  shift
  "$@" &
  child=$!
  while :; do
    wait "$child"
    rc=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=
  [ -z "$stopped" ] || rc=143
  return $rc
}
cd "$workspace" || finish setup 1
if [ -e $v/pre-script ]; then run pre-script sh -e $v/pre-script || finish pre-script $?; fi
run build /kaniko/executor "$@"
rc=$?
# The build secrets' files exist for the executor only, never for the post-script.
rm -rf "$secrets"
[ $rc -eq 0 ] || finish build $rc
if [ -e $v/post-script ]; then run post-script sh -e $v/post-script || finish post-script $?; fi
finish done 0
