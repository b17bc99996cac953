package io.lipdrop.housekeeping;

import org.apache.camel.CamelContext;

/** Suspends and resumes the camel-file route that watches the inbox; files dropped meanwhile just wait. */
public final class RouteIntakeSwitch implements IntakeSwitch {
    private final CamelContext camel;
    private final String routeId;

    public RouteIntakeSwitch(CamelContext camel, String routeId) {
        this.camel = camel;
        this.routeId = routeId;
    }

    @Override
    public void suspend() throws Exception { camel.getRouteController().suspendRoute(routeId); }

    @Override
    public void resume() throws Exception { camel.getRouteController().resumeRoute(routeId); }
}
