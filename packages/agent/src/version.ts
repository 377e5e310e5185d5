/** Version of the agent software, reported to the hub in `hello` and `agent.state`. */
export const AGENT_VERSION = '0.1.0';
