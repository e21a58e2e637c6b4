/// The console's HTML shell: one page, its pages drawn by console.js from
/// the admin API. Nothing is loaded from outside the node.
enum ConsolePage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem console</title>
<link rel="stylesheet" href="/ui/console.css">
<script src="/ui/console.js" defer></script>
</head>
<body>
<header class="bar">
  <span class="brand">Tandem</span>
  <span id="node-name" class="node"></span>
  <nav id="nav" hidden>
    <a href="#/overview" data-page="overview">Overview</a>
    <a href="#/errors" data-page="errors">Errors <span id="error-count" class="count"></span></a>
    <a href="#/entity" data-page="entity">Entity</a>
    <a href="#/plugins" data-page="plugins">Plugins</a>
    <a href="#/config" data-page="config">Configuration</a>
  </nav>
  <span id="freshness" class="freshness" aria-live="polite"></span>
  <button id="logout" type="button" hidden>Log out</button>
</header>
<main id="main">
  <section id="login" class="login" hidden>
    <h1>Log in to this node</h1>
    <form id="login-form" autocomplete="off">
      <label for="token">Admin token (<code>node.adminToken</code> of the node's configuration)</label>
      <input id="token" name="token" type="password" required autofocus>
      <button type="submit">Log in</button>
      <p id="login-error" class="problem" role="alert"></p>
    </form>
  </section>
  <section id="page" aria-live="off"></section>
</main>
</body>
</html>
"""#
}
