// dynalite's own command line, but it ends with its parent: the JVM holds this process's stdin,
// and when the JVM dies, even by kill -9, the pipe closes and so does the store.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
// Its LevelDB files and socket are its owner's alone (0600).
process.umask(0o077);
require('dynalite/cli.js');
