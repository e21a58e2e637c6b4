import TandemHTTP

/// The request handlers over one set of connections. The node swaps the
/// whole set on reload, so a request sees either the old connections or the
/// new ones, never a mix.
struct NodeRoutes {
    let receiver: PeerReceiver
    let hooks: WebhookIntake
    let admin: AdminAPI
    let health: HealthCheck
}
