// Made by tools/precache_manifest.py: do not edit by hand.
self.PPKL_PRECACHE = [
 {
  "url": "/static/app/icons/icon-192.png",
  "revision": "962d20bc2f6e16b9"
 },
 {
  "url": "/static/app/icons/icon-512.png",
  "revision": "5de6d40ae2ea924b"
 },
 {
  "url": "/static/app/main.js",
  "revision": "a798ed6578a9d43f"
 },
 {
  "url": "/static/app/offline.html",
  "revision": "21a210b45be0eede"
 },
 {
  "url": "/static/app/photos.js",
  "revision": "06ec3d67a8c46eb9"
 },
 {
  "url": "/static/app/queue.js",
  "revision": "ee0d42b4daed6c79"
 },
 {
  "url": "/static/app/strings.js",
  "revision": "2ec270021c9be865"
 },
 {
  "url": "/static/app/sync.js",
  "revision": "4f107584fb8fbd17"
 },
 {
  "url": "/static/app/visit-form.js",
  "revision": "ccc4cba47cb0ce32"
 },
 {
  "url": "/static/district-filter.js",
  "revision": "1e623df5bc9261b1"
 },
 {
  "url": "/static/form-key.js",
  "revision": "37b23fb26ba389e0"
 },
 {
  "url": "/static/import-job.js",
  "revision": "0449dc215904285b"
 },
 {
  "url": "/static/picker.js",
  "revision": "162945fe9865a8b5"
 },
 {
  "url": "/static/ppkl.css",
  "revision": "f743b615fa66d3e8"
 },
 {
  "url": "/static/vendor/idb-8.0.4/idb.js",
  "revision": "e01b45d2e088a719"
 },
 {
  "url": "/bootstrap/static/css/bootstrap.min.css",
  "revision": "d85327d99c7a3ee1"
 }
];
