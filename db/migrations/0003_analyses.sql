CREATE TYPE "public"."analysis_status" AS ENUM('running', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "analyses" (
	"id" text PRIMARY KEY NOT NULL,
	"lab_id" text NOT NULL,
	"dataset_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" "analysis_status" DEFAULT 'running' NOT NULL,
	"job_id" text,
	"summary" jsonb,
	"blobs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_contacts" (
	"analysis_id" text NOT NULL,
	"channel_index" integer NOT NULL,
	"name" text NOT NULL,
	"region" text,
	"n_trials" integer NOT NULL,
	"f1" jsonb NOT NULL,
	"accuracy" real NOT NULL,
	"predictive" jsonb,
	"confusion" jsonb NOT NULL,
	"null_f1" jsonb NOT NULL,
	"blobs" jsonb NOT NULL,
	CONSTRAINT "analysis_contacts_analysis_id_channel_index_pk" PRIMARY KEY("analysis_id","channel_index")
);
--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyses" ADD CONSTRAINT "analyses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_contacts" ADD CONSTRAINT "analysis_contacts_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analyses_lab" ON "analyses" USING btree ("lab_id");