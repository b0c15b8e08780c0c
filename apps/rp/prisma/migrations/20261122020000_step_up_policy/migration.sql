-- AlterTable: a per-tenant step-up policy (sensitive action -> required acr and max age).
-- NULL means the RP-wide default (RP_STEP_UP_POLICY) applies.
ALTER TABLE "tenants" ADD COLUMN "step_up_policy" JSONB;
