CREATE TABLE "scheduled_runs" (
	"task" text NOT NULL,
	"tick_at" timestamp with time zone NOT NULL,
	"node" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "scheduled_runs_task_tick_at_pk" PRIMARY KEY("task","tick_at")
);
--> statement-breakpoint
CREATE INDEX "scheduled_runs_tick_at_idx" ON "scheduled_runs" USING btree ("tick_at");