/**
 * The node names of cluster.conf, for completing --remove-node: an awk program each shell
 * runs on `$root/etc/ocfs2/cluster.conf` (root: the --root on the line, else OVS_ROOT, else
 * /). It prints the `name =` of each `node:` stanza, not the cluster's.
 */
export const NODES_AWK = `/^[^ \\t#]/ { s = $0; gsub(/[ \\t:]/, "", s) } s == "node" && $1 ~ /^[ \\t]*name[ \\t]*$/ { v = $2; gsub(/[ \\t]/, "", v); print v }`;

/** Single-quoted for a shell (the program holds no single quote). */
export const NODES_AWK_QUOTED = `'${NODES_AWK}'`;
