// A local S3-compatible server that checks SigV4 signatures
// (@20minutes/s3rver), for the frame-server tests. Usage:
//   node s3_server.js PORT DATA_DIR
// Prints "listening PORT" once it accepts requests; SIGTERM stops it.
// Credentials: access key S3RVER, secret S3RVER.
const S3rver = require('@20minutes/s3rver');

const port = Number(process.argv[2]);
const directory = process.argv[3];
const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
server.run().then(() => console.log(`listening ${port}`), (err) => {
  console.error(err);
  process.exit(1);
});
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
