-- Archiving a project refuses its keys: tell every replica to drop the project's cached keys.
create function tenancy_notify_project() returns trigger language plpgsql as $$
begin
    perform pg_notify('tenancy_auth', 'project:' || new.id);
    return new;
end $$;

create trigger project_auth_notify
    after update of status on project for each row execute function tenancy_notify_project();
