// README, performance: a 255-node cluster.conf, a 10 000-line fstab and a 1 000-target discovery output
// each parse "in well under 10 ms". Measured in-process on the built library (warm, median
// of 21 runs); the ratio is the time over the 10 ms budget.
import { performance } from 'node:perf_hooks';
import { formats } from '../../dist/index.js';

const { clusterConf, clusterNodes, fstab, iscsiadm } = formats;

function clusterConf255() {
  const cluster = clusterNodes.newCluster('ocfs2');
  const specs = Array.from({ length: 255 }, (_, i) => ({ name: `ovs${i}.example.com`, ipAddress: `10.0.${i >> 8}.${(i & 255) + 1}`.replace('.256', '.255') }));
  return clusterConf.serializeClusterConf({ clusters: [clusterNodes.addNodes(cluster, specs)] });
}

function fstab10k() {
  const lines = ['# /etc/fstab: static file system information.'];
  for (let i = 0; i < 9998; i++) lines.push(`UUID=${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd /srv/data\\040${i} ext4 defaults 0 2`);
  lines.push('/dev/sdb1 /OVS ocfs2 _netdev 0 0');
  return `${lines.join('\n')}\n`;
}

function discovery1000() {
  const out = [];
  for (let i = 0; i < 1000; i++) out.push(`10.${(i >> 8) & 255}.${i & 255}.1:3260,${(i % 8) + 1} iqn.1992-04.com.emc:cx.apm00070202838.t${i}`);
  return `${out.join('\n')}\n`;
}

function measure(fn, runs = 21) {
  for (let i = 0; i < 3; i++) fn(); // warm
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[runs >> 1];
}

export default async function bench() {
  const conf = clusterConf255();
  const tab = fstab10k();
  const disc = discovery1000();
  const cases = [
    ['parse a 255-node cluster.conf', () => clusterConf.assertValidCluster(clusterConf.parseClusterConf(conf).clusters[0])],
    ['parse a 10 000-line fstab and find /OVS', () => fstab.ovsEntries(fstab.parseFstab(tab))],
    ['parse a 1 000-target discovery output', () => iscsiadm.parseIscsiRecords(disc)],
  ];
  return cases.map(([name, fn]) => {
    const ms = measure(fn);
    return { name, target: 1, ratio: ms / 10, detail: `${ms.toFixed(2)} ms of a 10 ms budget` };
  });
}
